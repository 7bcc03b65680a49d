import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { listChildren, type Child } from '../../src/connectors/amazon-s3/s3-listing.js';

/** Just enough of ListObjectsV2 over a key list to count the requests a listing costs. */
function fakeS3(keys: string[]) {
  const sorted = [...keys].sort();
  const requests: Array<{ StartAfter?: string | undefined; ContinuationToken?: string | undefined }> = [];
  const client = {
    async send(command: {
      input: { Prefix: string; StartAfter?: string | undefined; ContinuationToken?: string | undefined; MaxKeys?: number | undefined };
    }) {
      const { Prefix, StartAfter, ContinuationToken, MaxKeys = 1000 } = command.input;
      requests.push({ StartAfter, ContinuationToken });
      const after = ContinuationToken ?? StartAfter ?? '';
      const matching = sorted.filter((key) => key.startsWith(Prefix) && key > after);
      const page = matching.slice(0, MaxKeys);
      const truncated = matching.length > MaxKeys;
      return {
        Contents: page.map((Key) => ({ Key, Size: 1 })),
        IsTruncated: truncated,
        NextContinuationToken: truncated ? page.at(-1) : undefined,
      };
    },
  };
  return { client: client as unknown as S3Client, requests };
}

async function names(children: AsyncIterable<Child>): Promise<string[]> {
  const out: string[] = [];
  for await (const child of children) out.push(`${child.type}:${child.name}`);
  return out;
}

describe('listChildren', () => {
  it('derives each folder once from the keys below it', async () => {
    const { client } = fakeS3(['p/a.csv', 'p/x/1', 'p/x/y/2', 'p/x/y/z/3', 'p/y/4', 'p/', 'p/z.csv', 'q/other']);
    const progress = { keys: 0 };
    expect(await names(listChildren(client, 'b', 'p/', progress))).toEqual(['file:a.csv', 'folder:x', 'folder:y', 'file:z.csv']);
    expect(progress.keys).toBe(7);
  });

  it('jumps over a big sub-folder instead of paging through it', async () => {
    const big = Array.from({ length: 1000 }, (_, i) => `p/big/${String(i).padStart(4, '0')}.csv`);
    const { client, requests } = fakeS3(['p/a.csv', ...big, 'p/z.csv']);
    const listed = await names(listChildren(client, 'b', 'p/', { keys: 0 }, 10));
    expect(listed).toEqual(['file:a.csv', 'folder:big', 'file:z.csv']);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.StartAfter).toBe('p/big/\u{10FFFF}');
  });

  it('leaves out names a storage path cannot address', async () => {
    const { client } = fakeS3(['p/ok.csv', 'p//double', 'p/./dot', 'p/../up', 'p/tab\there']);
    expect(await names(listChildren(client, 'b', 'p/', { keys: 0 }))).toEqual(['file:ok.csv']);
  });
});
