/** Mounting components in happy-dom with the app's stores and icon sprite. */
import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import type { Component } from 'vue';

/**
 * happy-dom lays nothing out: give elements a size so the virtualiser has a viewport
 * (40 rows of 30 px). Returns the restore function.
 */
export function fakeLayout(width = 1200, height = 1200): () => void {
  const rect = Element.prototype.getBoundingClientRect;
  const offsetHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight');
  const offsetWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetWidth');
  const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  const clientWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');
  Element.prototype.getBoundingClientRect = function () {
    return { x: 0, y: 0, top: 0, left: 0, width, height, right: width, bottom: height, toJSON: () => ({}) } as DOMRect;
  };
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => width });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => width });
  return () => {
    Element.prototype.getBoundingClientRect = rect;
    if (offsetHeight) Object.defineProperty(HTMLElement.prototype, 'offsetHeight', offsetHeight);
    if (offsetWidth) Object.defineProperty(HTMLElement.prototype, 'offsetWidth', offsetWidth);
    if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
    if (clientWidth) Object.defineProperty(HTMLElement.prototype, 'clientWidth', clientWidth);
  };
}

export function mountWith<C extends Component>(component: C, pinia: Pinia, options: ComponentMountingOptions<C> = {}) {
  return mount(component, { ...options, attachTo: document.body, global: { plugins: [pinia], ...options.global } } as ComponentMountingOptions<C>);
}

/** Lets promises, Vue's scheduler and the virtualiser's frames settle. */
export async function settle(): Promise<void> {
  await new Promise((r) => requestAnimationFrame(r));
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await Promise.resolve();
  }
}
