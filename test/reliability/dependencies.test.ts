// The runtime dependencies carry no known high or critical vulnerability, or the README explains
// each one. Needs the registry's advisory endpoint: where it cannot be reached, the test says so
// and is skipped rather than passed.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';

interface AuditReport {
  vulnerabilities?: Record<string, { severity: string; via: unknown[] }>;
  error?: { summary?: string; detail?: string };
  message?: string;
}

describe('npm audit --omit=dev', () => {
  it('finds no high or critical vulnerability that the README does not explain', (context) => {
    const audit = spawnSync('npm', ['audit', '--omit=dev', '--json', '--fetch-retries=0', '--fetch-timeout=20000'], { cwd: ROOT, encoding: 'utf8', timeout: 40_000 });
    let report: AuditReport;
    try {
      report = JSON.parse(audit.stdout) as AuditReport;
    } catch {
      return context.skip(`npm audit gave no report (${audit.stderr.trim().split('\n')[0] ?? 'no output'})`);
    }
    if (!report.vulnerabilities) return context.skip(`the advisory endpoint could not be reached: ${report.message ?? report.error?.summary ?? 'no answer'}`);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const serious = Object.entries(report.vulnerabilities).filter(([, v]) => v.severity === 'high' || v.severity === 'critical');
    expect(serious.map(([name]) => name).filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  }, 45_000);
});
