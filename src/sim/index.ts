/** Public surface of the demo simulator (used by `authlens simulate` and by `start` to seed the demo tenant). */
export { simulate, validateOptions, SimulationOptionsError, type SimulateOptions, type SimulatedWorld } from './simulate.ts';
export { writeSimulation, type SimulationManifest, type WriteOptions } from './write.ts';
export type { Label, LeakRecord, IpLists } from './model.ts';
export { scoreDetections, type DetectorScore, type ScoredDetection } from './score.ts';
export { LabelRecord, parseLabelFile, type LabelFileResult } from './labels.ts';
