export declare const CLI_SOURCES: string[];
export declare const CLI_OUTPUTS: string[];
export declare function staleBuildReason(root: string, parts?: { sources?: string[]; outputs?: string[] }): string | null;
