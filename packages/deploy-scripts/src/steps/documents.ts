/** A policy document as indented JSON lines, for the dry run. */
export function indentDocument(document: unknown): string[] {
  return JSON.stringify(document, null, 2)
    .split('\n')
    .map((line) => `  ${line}`);
}
