import { ref, type Ref } from 'vue';
import { errorInfo } from '../api';

export interface BusyAction {
  /** True while an action runs (dialogs disable their buttons and Esc meanwhile). */
  busy: Ref<boolean>;
  /** The last action's failure, as the message to show; cleared when the next one starts. */
  error: Ref<string>;
  /** Runs `action` with `busy` set; a throw becomes `error`, so this never rejects. */
  run: (action: () => Promise<void>) => Promise<void>;
}

/** A dialog's one action at a time: `await run(async () => { …; emit('close') })`. */
export function useBusyAction(): BusyAction {
  const busy = ref(false);
  const error = ref('');

  async function run(action: () => Promise<void>): Promise<void> {
    busy.value = true;
    error.value = '';
    try {
      await action();
    } catch (err) {
      error.value = errorInfo(err).message;
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, run };
}
