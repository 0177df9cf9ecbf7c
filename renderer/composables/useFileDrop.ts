import { onScopeDispose, ref, type Ref } from 'vue';

/**
 * Files dropped anywhere on the window: `dragging` is true while files are dragged over it (for
 * an overlay), and `onDrop` receives the first dropped file. Text or links being dragged are
 * left alone; a drop never navigates the window.
 */
export function useFileDrop(onDrop: (file: File) => void, target: Window = window): { dragging: Ref<boolean> } {
  const dragging = ref(false);
  let depth = 0;

  const hasFiles = (event: DragEvent) => [...(event.dataTransfer?.types ?? [])].includes('Files');

  const enter = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth++;
    dragging.value = true;
  };
  const over = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };
  const leave = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) dragging.value = false;
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    depth = 0;
    dragging.value = false;
    const file = event.dataTransfer?.files?.[0];
    if (file) onDrop(file);
  };

  target.addEventListener('dragenter', enter);
  target.addEventListener('dragover', over);
  target.addEventListener('dragleave', leave);
  target.addEventListener('drop', drop);
  onScopeDispose(() => {
    target.removeEventListener('dragenter', enter);
    target.removeEventListener('dragover', over);
    target.removeEventListener('dragleave', leave);
    target.removeEventListener('drop', drop);
  });
  return { dragging };
}
