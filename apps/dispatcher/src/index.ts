export * from './dispatcher';
export * from './dispatcher.module';
export * from './dispatcher.service';
export * from './command-id';
