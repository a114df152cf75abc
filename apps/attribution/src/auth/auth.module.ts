import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ATTRIBUTION_CONFIG, type AttributionConfig } from '../config';
import { StoreAuth, StoreAuthGuard } from './store-auth';

/** The service's configuration and store authentication, for every module of the app. */
@Global()
@Module({})
export class AuthModule {
  static register(config: AttributionConfig): DynamicModule {
    const providers = [{ provide: ATTRIBUTION_CONFIG, useValue: config }, StoreAuth, StoreAuthGuard];
    return { module: AuthModule, providers, exports: providers };
  }
}
