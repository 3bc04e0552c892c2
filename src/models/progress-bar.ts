/** A one-line progress bar for downloads, redrawn in place on a TTY; one line per file otherwise. */
export function progressBar(write: (text: string) => void, isTty: boolean): (name: string, done: number, total: number | undefined) => void {
  let lastDraw = 0;
  return (name, done, total) => {
    const now = Date.now();
    const finished = total !== undefined && done >= total;
    if (!finished && (!isTty || now - lastDraw < 100)) return; // redraw at most every 100 ms
    lastDraw = now;
    const mb = (n: number): string => (n / 1e6).toFixed(1);
    const fraction = total ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%` : '[ ? ]';
    const line = `${bar} ${mb(done)}${total ? `/${mb(total)}` : ''} MB ${name}`;
    write(isTty ? `\r${line}${finished ? '\n' : ''}` : `${line}\n`);
  };
}
