/**
 * A test double for AlertNotifier's `notify`, whose calls can be awaited. AlertNotifier judges
 * fresh statuses asynchronously, after the status cache announces them, so a test cannot know
 * from the refresh or apply alone when a notification would have been sent. This records what the
 * notifier told and watches its evaluations (`check`), so a test waits for the moment the
 * notifier has judged the servers it changed, and only then looks at what was (or was not) told.
 */
import { vi } from 'vitest';
import type { AlertNotifier } from '../../electron/core/status/background-refresh';
import type { LicenseAlert } from '../../electron/core/status/license-alerts';

/** What the notifier made of some servers' fresh statuses. */
export interface Judgement {
  /** The alerts the notifier found, whether or not the settings let it tell them. */
  found: LicenseAlert[];
  /** The alerts it told through `notify`. */
  told: LicenseAlert[];
}

/** Where a test starts looking: evaluations and notifications after this point. */
export interface Mark {
  checks: number;
  told: number;
}

/** How long a test waits for an evaluation that never comes before it fails, saying which. */
const NEVER_JUDGED_MS = 10_000;

export class AlertRecorder {
  /** Every alert told, in order. */
  readonly told: LicenseAlert[] = [];
  private readonly checks: Array<{ ids: readonly string[]; done: Promise<LicenseAlert[]> }> = [];
  private readonly waiters = new Set<() => void>();

  /** The `notify` to give the AlertNotifier. */
  readonly notify = (alert: LicenseAlert): void => {
    this.told.push(alert);
    this.wake();
  };

  /** Watches the notifier's evaluations; its behaviour is unchanged. */
  watch(notifier: AlertNotifier): void {
    const check = notifier.check.bind(notifier);
    vi.spyOn(notifier, 'check').mockImplementation((ids) => {
      const done = check(ids);
      // Held as the alerts found, or none if it failed: a failed evaluation tells nothing either.
      this.checks.push({ ids: [...ids], done: done.catch(() => []) });
      this.wake();
      return done;
    });
  }

  mark(): Mark {
    return { checks: this.checks.length, told: this.told.length };
  }

  /**
   * Resolves once the notifier has judged every one of `serverIds` since `since`, and finished
   * telling whatever it was going to (notify is called before an evaluation ends), with what it
   * found and told since then.
   */
  async judged(serverIds: readonly string[], since: Mark): Promise<Judgement> {
    const uncovered = () => {
      const seen = new Set(this.checks.slice(since.checks).flatMap((c) => c.ids));
      return serverIds.filter((id) => !seen.has(id));
    };
    await this.until(() => uncovered().length === 0, () => `the notifier never judged the fresh status of ${uncovered().join(', ')}`);
    const found = (await Promise.all(this.checks.slice(since.checks).map((c) => c.done))).flat();
    return { found, told: this.told.slice(since.told) };
  }

  private until(done: () => boolean, failure: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(failure()));
      }, NEVER_JUDGED_MS);
      const wake = () => {
        if (!done()) return;
        clearTimeout(deadline);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
