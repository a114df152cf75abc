export * from './domain/suppression-match';
export * from './suppression-view.repository';
export * from './suppression-view';
export * from './suppression-view.migration';
export * from './suppression.module';
