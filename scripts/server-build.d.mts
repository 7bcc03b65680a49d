/** Types of server-build.mjs. */
export const SERVER_BUILD: { output: string; sources: string[] };
