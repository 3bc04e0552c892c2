/**
 * Exponentially weighted moving average: each sample moves the estimate `alpha` of the way towards it.
 * alpha 0.25 ≈ "mostly the last 4–8 samples", smooth enough to ignore one slow response.
 */
export class Ewma {
  private current: number | null = null;

  constructor(private readonly alpha: number) {}

  /** The smoothed value; null before the first sample. */
  get value(): number | null {
    return this.current;
  }

  add(sample: number): number {
    this.current = this.current === null ? sample : this.current + this.alpha * (sample - this.current);
    return this.current;
  }
}
