export * from './compiled-html.generated';
export * from './layout.template';
export * from './reminder.template';
export * from './reassurance.template';
export * from './incentive.template';
export * from './unsubscribe-page.template';
