// Every path by which the command line writes text keeps it from driving the terminal: text from a
// server or a file can carry escape sequences (C0 ESC, C1 CSI U+009B), a carriage return that
// overwrites the line, BEL, and bidi controls that disguise the text around them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { excerpt, withoutControlChars } from '../../electron/common/text';
import { print, printJson, table, warn } from '../../electron/cli/output';
import { showProgress } from '../../electron/cli/progress';
import type { Operation } from '../../electron/core/fleet/fleet-operations';

const HOSTILE = 'a\u001b]0;title\u0007b\u001b[2J\rc\u009b31md\u007fe\u0085f\u202eg\u2066h\u2069i\u202aj';
// C0 but the line feed, DEL, C1, and the bidi embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

function written(stream: NodeJS.WriteStream): string[] {
  const chunks: string[] = [];
  vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true));
  return chunks;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sanitising untrusted text', () => {
  it('turns each run of control characters and bidi controls into one space', () => {
    expect(withoutControlChars(HOSTILE)).toBe('a ]0;title b [2J c 31md e f g h i j');
    expect(excerpt(`  ${HOSTILE}  `, 10)).toBe('a ]0;title…');
  });

  it('keeps line feeds when asked to, and only them', () => {
    expect(withoutControlChars(`one\r\ntwo\u202e\n\u009bthree`, { lines: true })).toBe('one \ntwo \n three');
  });
});

describe('command-line output', () => {
  it('print keeps the lines of a table and nothing that drives the terminal', () => {
    const out = written(process.stdout);
    print(`NAME\n${HOSTILE}\n`);
    expect(out.join('')).not.toMatch(UNSAFE);
    expect(out.join('')).toBe('NAME\na ]0;title b [2J c 31md e f g h i j\n\n');
  });

  it('printJson escapes what JSON.stringify leaves raw (DEL, C1, bidi), and means the same', () => {
    const out = written(process.stdout);
    const value = { kind: HOSTILE, nested: [HOSTILE] };
    printJson(value);
    const text = out.join('');
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain('\\u009b31m');
    expect(text).toContain('\\u202e');
    expect(JSON.parse(text)).toEqual(value);
    expect(text.split('\n').length).toBeGreaterThan(3); // still laid out on lines
  });

  it('table and warn flatten every cell and notice to one printable line', () => {
    const rendered = table(['A', 'B'], [[HOSTILE, HOSTILE]]);
    expect(rendered).not.toMatch(UNSAFE);
    expect(rendered.split('\n')).toHaveLength(2);
    const err = written(process.stderr);
    warn(`failed: ${HOSTILE}\nsecond line`);
    expect(err.join('')).not.toMatch(UNSAFE);
    expect(err.join('')).toBe('bf-license: failed: a ]0;title b [2J c 31md e f g h i j second line\n');
  });

  it('the progress line writes no escape sequence but its own line clearing', () => {
    const chunks: string[] = [];
    const stream = { isTTY: true, write: (chunk: string) => (chunks.push(chunk), true) } as unknown as NodeJS.WriteStream;
    const op = { counts: { total: 2, done: 1, ok: 1, failed: 0, running: 1 }, onDidProgress: () => ({ dispose: () => undefined }) } as unknown as Operation;
    showProgress(op, HOSTILE, stream).dispose();
    const clearLine = '\r\u001b[2K';
    expect(chunks[0]!.startsWith(clearLine)).toBe(true);
    expect(chunks[0]!.slice(clearLine.length)).toBe('a ]0;title b [2J c 31md e f g h i j: 1/2 done, 0 failed');
    expect(chunks.at(-1)).toBe(clearLine);
  });
});
