export * from './projector';
export * from './projector.module';
export * from './projector.service';
export * from './exclusive-rebuild';
