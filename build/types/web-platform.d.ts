/**
 * The few platform globals the common layer may use, because Node and browsers both have them
 * (WHATWG URL, console). Declared here so the layer type-checks with neither Node's nor the DOM's types.
 */
declare class URL {
  constructor(input: string, base?: string);
  hash: string;
  host: string;
  hostname: string;
  href: string;
  readonly origin: string;
  password: string;
  pathname: string;
  port: string;
  protocol: string;
  search: string;
  username: string;
  toString(): string;
}

/** The console both runtimes have (the unexpected-error sink's default handler writes to it). */
declare const console: {
  log(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
};
