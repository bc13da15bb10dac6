import { access } from 'node:fs/promises';

/** Whether a file or folder is there (a lock is a folder). */
export const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
