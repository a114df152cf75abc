export * from './lift';
export { confidenceSequenceHalfWidth, halfWidthForRho, sequentialRho } from './confidence-sequence';
export { normalQuantile } from './normal-quantile';
