import { BrainFrameError } from '../../common/errors';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A license key as BrainFrame takes it: the base64 text alone. Surrounding whitespace and
 * line breaks (keys wrapped over lines in e-mails and files) are not part of the key.
 * Refuses text that cannot be a key, so the server is never asked with it.
 */
export function normaliseKeyText(text: string): string {
  const key = text.replace(/\s+/g, '');
  if (key.length === 0) throw BrainFrameError.of('InvalidKeyText', 'the key is empty');
  if (!BASE64.test(key) || key.length % 4 !== 0) {
    throw BrainFrameError.of('InvalidKeyText', 'the text is not base64 (only A-Z, a-z, 0-9, +, / and = padding, in groups of four)');
  }
  return key;
}
