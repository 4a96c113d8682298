/** Every streaming detector, in evaluation order. D7 (risk rollup) and D8 (leak feed) are not event-driven: see ../risk and ../leaks. */
import type { AnyDetector } from '../engine/types.ts';
import { d1 } from './d1/index.ts';
import { d2 } from './d2/index.ts';
import { d3 } from './d3/index.ts';
import { d4 } from './d4/index.ts';
import { d5 } from './d5/index.ts';
import { d6 } from './d6/index.ts';
import { bruteForce } from './brute-force/index.ts';
import { mfaFatigue } from './mfa-fatigue/index.ts';

export const STREAMING_DETECTORS: readonly AnyDetector[] = [d1, d2, d3, d4, d5, d6, bruteForce, mfaFatigue];
