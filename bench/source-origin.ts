/**
 * The package (`hono`, `@upstash/redis`) or project path (`src/http/body.ts`)
 * a bundled source file comes from; used to group bundle bytes and CPU time.
 */
export function originOf(file: string): string {
  const inModules = file.lastIndexOf("node_modules/");
  if (inModules !== -1) {
    const parts = file.slice(inModules + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const inSrc = file.lastIndexOf("src/");
  return inSrc !== -1 ? file.slice(inSrc) : file;
}
