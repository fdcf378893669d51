import { lexer, type Token, type Tokens } from 'marked';

/** A fenced TypeScript block of a Markdown file, as a reader sees it rendered. */
export interface Snippet {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence in that file. */
  readonly line: number;
  /** The block's code, without its fences. */
  readonly code: string;
  /**
   * From an HTML comment right before the block: `<!-- snippet: skip -->`, a deliberately partial
   * block, neither compiled nor run; `<!-- snippet: no-run -->`, compiled and bundled but not run.
   * Without one: `run` (compiled, and run when it exports a `handler`).
   */
  readonly mode: SnippetMode;
}

export type SnippetMode = 'run' | 'no-run' | 'skip';

const MODES: ReadonlySet<string> = new Set<SnippetMode>(['no-run', 'skip']);
const TYPESCRIPT = new Set(['ts', 'typescript', 'mts', 'cts', 'tsx']);
const FENCE = /^(?:`{3,}|~{3,})/;
const CONTAINERS = /^(?:\s*>)*\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)?/;

/** A source line without the blockquote and list markers before its content, trimmed. */
function withoutContainers(line: string): string {
  return line.replace(CONTAINERS, '').trim();
}
const MARKER = /^<!--\s*snippet:\s*([a-z-]+)\b[\s\S]*?-->\s*$/;

/** Children of a block token (list items, blockquotes), in document order. */
function childrenOf(token: Token): Token[] {
  if (token.type === 'list') return (token as Tokens.List).items;
  if ('tokens' in token && Array.isArray(token.tokens)) return token.tokens;
  return [];
}

/**
 * Every fenced code block of the Markdown whose language is TypeScript, found by a CommonMark lexer
 * (so blocks inside lists and quotes count, and fences inside other code blocks do not). A block
 * right after an HTML comment `<!-- snippet: skip -->` or `<!-- snippet: no-run -->` gets that mode;
 * any other `snippet:` marker is an error, so a typo cannot turn a check off.
 */
export function extractSnippets(file: string, text: string): Snippet[] {
  // CommonMark ends lines at CR LF, LF or a lone CR; the lexer does the same.
  const markdown = text.replace(/\r\n?/g, '\n');
  const snippets: Snippet[] = [];
  const source = markdown.split('\n');
  let nextLine = 0;
  const walk = (tokens: readonly Token[]): void => {
    let previous: Token | undefined;
    for (const token of tokens) {
      if (token.type === 'space') continue;
      if (token.type === 'code') {
        const code = token as Tokens.Code;
        const lang = (code.lang ?? '').trim().split(/\s/)[0]?.toLowerCase() ?? '';
        if (code.codeBlockStyle !== 'indented' && TYPESCRIPT.has(lang)) {
          // The lexer keeps no positions: the block's opening fence is the next fence line after the
          // previous block that is followed by the block's first code line (quote and list markers
          // left out on both sides).
          const lines = code.text.split('\n');
          let line = nextLine;
          while (
            line < source.length &&
            !(
              FENCE.test(withoutContainers(source[line] ?? '')) &&
              withoutContainers(source[line + 1] ?? '') === withoutContainers(lines[0] ?? '')
            )
          ) {
            line += 1;
          }
          if (line >= source.length) throw new Error(`${file}: cannot find the line of a TypeScript block`);
          nextLine = line + lines.length + 2;
          const marker = previous?.type === 'html' ? MARKER.exec(previous.raw.trim()) : null;
          if (marker && !MODES.has(marker[1] ?? '')) {
            throw new Error(`${file}: unknown snippet marker "${marker[1]}" (use "skip" or "no-run")`);
          }
          snippets.push({
            file,
            line: line + 1,
            code: code.text,
            mode: marker ? (marker[1] as SnippetMode) : 'run',
          });
        }
      }
      walk(childrenOf(token));
      previous = token;
    }
  };
  walk(lexer(markdown));
  return snippets;
}
