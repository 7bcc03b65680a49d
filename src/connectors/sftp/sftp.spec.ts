import type { ConnectionSpec } from '../sdk.js';
import { ADOBE_PROVIDER_ID, cloudStorageSourceSpec, fileSystemExploreSpec, sourcePermissions } from '../files/spec-parts.js';

/** AEP's fixed id for the SFTP source. */
export const SFTP_SPEC_ID = 'b7bf2577-4520-42c9-bae9-cad01560f7bc';

export const SFTP_SECRET_PARAMS = ['password', 'privateKeyContent', 'passPhrase'] as const;

const JSON_SCHEMA = 'http://json-schema.org/draft-07/schema#';

/** What both auth methods share: where the server is, who logs in, and how the connection is used. */
const common = {
  host: { title: 'Host', type: 'string', description: 'Name or IP address of the SFTP server.' },
  port: { title: 'Port', type: 'integer', minimum: 1, maximum: 65535, default: 22, description: 'SFTP server port.' },
  // AEP's JSON example says userName, its parameter table username: both are accepted.
  userName: { title: 'User name', type: 'string', description: 'The user to log in as.' },
  username: { title: 'User name (alias)', type: 'string', description: 'Alias of userName.' },
  maxConcurrentConnections: {
    title: 'Maximum concurrent connections',
    type: 'integer',
    minimum: 1,
    description: 'The most SSH connections opened to the server at once (some servers limit them per user).',
  },
  folderPath: { title: 'Folder path', type: 'string', description: 'The folder the connection is confined to; the login folder when absent.' },
};

const eitherUserName = [{ required: ['userName'] }, { required: ['username'] }];

export const sftpSpec: ConnectionSpec = {
  id: SFTP_SPEC_ID,
  name: 'sftp',
  providerId: ADOBE_PROVIDER_ID,
  version: '1.0',
  attributes: {
    category: 'CloudStorage',
    isSource: true,
    uiAttributes: { apiFeatures: { explorePaginationSupported: false }, label: 'SFTP', isPreview: false },
  },
  authSpec: [
    {
      name: 'Basic Authentication for sftp',
      type: 'SFTPBasicAuth',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'Defines auth params required for connecting to an SFTP server with a password.',
        properties: { ...common, password: { title: 'Password', type: 'string', description: 'The password of the user.', format: 'password' } },
        required: ['host', 'password'],
        anyOf: eitherUserName,
      },
    },
    {
      name: 'SSH PublicKey Authentication for sftp',
      type: 'SFTPPublicKeyAuth',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'Defines auth params required for connecting to an SFTP server with an SSH private key.',
        properties: {
          ...common,
          privateKeyContent: {
            title: 'Private key',
            type: 'string',
            description: 'The private key, Base64-encoded OpenSSH (or PEM) key file content; RSA, ECDSA and Ed25519 keys are supported.',
            format: 'password',
          },
          passPhrase: { title: 'Pass phrase', type: 'string', description: 'The pass phrase of an encrypted private key.', format: 'password' },
        },
        required: ['host', 'privateKeyContent'],
        anyOf: eitherUserName,
      },
    },
  ],
  sourceSpec: cloudStorageSourceSpec('SFTP'),
  exploreSpec: fileSystemExploreSpec(),
  permissionsInfo: sourcePermissions(),
};
