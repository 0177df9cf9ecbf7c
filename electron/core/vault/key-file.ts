import { MAX_KEY_FILE_BYTES } from '../../common/limits';
import { readTextFile } from '../storage/text-file';

/**
 * The text of a key file: its whole content, whatever its name or extension. Refuses files that
 * are too large or not text, so a mis-dropped image or archive gets a clear answer.
 */
export function readKeyFile(path: string): Promise<string> {
  return readTextFile(path, {
    maxBytes: MAX_KEY_FILE_BYTES,
    holds: 'license key',
    unreadableKind: 'KeyFileUnreadable',
    invalidKind: 'InvalidKeyFile',
    advice: 'Keys are base64 text of a few KB. Choose the key file you were sent, or paste the key as text.',
  });
}
