export declare const CLI_SOURCES: string[];
export declare const CLI_OUTPUTS: string[];
export declare function staleBuildReason(root: string, parts?: { sources?: string[]; outputs?: string[] }): string | null;
export declare function buildIfStale(root: string, options: { need: string; parts?: { sources?: string[]; outputs?: string[] }; announce?: (reason: string) => void; showOutput?: boolean }): string | null;
