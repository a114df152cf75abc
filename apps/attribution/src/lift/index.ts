export * from './lift';
export { confidenceSequenceHalfWidth, sequentialRho } from './confidence-sequence';
export { normalQuantile } from './normal-quantile';
