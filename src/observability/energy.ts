import type { RequestRecord } from '../routing/request-record.js';
import type { EnergyConfig, ModelPrice } from './energy-config.js';

/**
 * What one request cost and what the other side would have cost. `null` means unknown (no measurement,
 * no price, no token count) — never a guess presented as a number.
 */
export interface RequestAccounting {
  /** Device energy spent on local generation above idle, in mWh; null for cloud answers or when not measured. */
  localEnergyMwh: number | null;
  /** Money paid upstream for this request, in USD; null for local answers or unknown price/usage. */
  cloudCostUsd: number | null;
  /** Local answers: what the cloud would have charged for the same tokens (USD). */
  savedCostUsd: number | null;
  /** Cloud answers: device energy the same tokens would have taken locally (mWh). */
  savedEnergyMwh: number | null;
  /** Local decode rate measured on this request, in completion tokens/s (prefill included). */
  localTokensPerSecond: number | null;
}

/** mWh above idle for `computeMs` of active CPU time: ms × W = mJ; mJ / 3600 = mWh. */
export function localEnergyMwh(computeMs: number, activeWatts: number, idleWatts: number): number {
  return (computeMs * (activeWatts - idleWatts)) / 3600;
}

/** USD for the given tokens at a per-million-token price. */
export function cloudCostUsd(promptTokens: number, completionTokens: number, price: ModelPrice): number {
  return (promptTokens * price.inputPerMTok) / 1e6 + (completionTokens * price.outputPerMTok) / 1e6;
}

/**
 * Turns finished requests into accounting. Stateful in one way only: it keeps an EWMA of the measured local
 * decode rate so the counterfactual for cloud answers tracks this device (α = 0.2 per local request).
 */
export class EnergyAccountant {
  private decodeRate: number | null;

  constructor(private readonly config: EnergyConfig) {
    this.decodeRate = config.assumedLocalTokensPerSecond;
  }

  /** Completion tokens per second of local compute, smoothed; null until measured (or assumed in config). */
  get localTokensPerSecond(): number | null {
    return this.decodeRate;
  }

  account(record: RequestRecord): RequestAccounting {
    const { activeWatts, idleWatts } = this.config.device;
    const prompt = record.usage.promptTokens;
    const completion = record.usage.completionTokens;
    const result: RequestAccounting = {
      localEnergyMwh: null,
      cloudCostUsd: null,
      savedCostUsd: null,
      savedEnergyMwh: null,
      localTokensPerSecond: null,
    };
    if (record.servedBy === 'local') {
      if (record.localComputeMs !== null && record.localComputeMs >= 0) {
        result.localEnergyMwh = localEnergyMwh(record.localComputeMs, activeWatts, idleWatts);
        if (completion !== undefined && completion > 0 && record.localComputeMs > 0) {
          result.localTokensPerSecond = completion / (record.localComputeMs / 1000);
          this.decodeRate =
            this.decodeRate === null ? result.localTokensPerSecond : 0.8 * this.decodeRate + 0.2 * result.localTokensPerSecond;
        }
      }
      const price = this.counterfactualPrice(record);
      if (price !== null && prompt !== undefined && completion !== undefined) {
        result.savedCostUsd = cloudCostUsd(prompt, completion, price);
      }
    } else if (record.servedBy === 'cloud') {
      const price = this.priceOf(record.servedModel ?? record.decision.model);
      if (price !== null && prompt !== undefined && completion !== undefined) {
        result.cloudCostUsd = cloudCostUsd(prompt, completion, price);
      }
      if (this.decodeRate !== null && completion !== undefined) {
        const wouldTakeMs = (completion / this.decodeRate) * 1000;
        result.savedEnergyMwh = localEnergyMwh(wouldTakeMs, activeWatts, idleWatts);
      }
    }
    return result;
  }

  priceOf(model: string): ModelPrice | null {
    return this.config.prices[model] ?? this.config.defaultPrice;
  }

  /** The cloud price a local answer is compared against. */
  private counterfactualPrice(record: RequestRecord): ModelPrice | null {
    if (this.config.counterfactualCloudModel !== null) return this.priceOf(this.config.counterfactualCloudModel);
    if (record.decision.target === 'cloud') return this.priceOf(record.decision.model);
    const first = Object.values(this.config.prices)[0];
    return first ?? this.config.defaultPrice;
  }
}
