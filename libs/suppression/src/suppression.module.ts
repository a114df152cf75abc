import { Controller, Get, HttpException, HttpStatus, Inject, Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ConsumerGroupId } from '@reclaim/contracts';
import { Kafka, type KafkaSettings } from '@reclaim/kafka';
import { HealthRegistry, KAFKA_SETTINGS } from '@reclaim/platform';
import { SuppressionView } from './suppression-view';
import { SuppressionViewRepository } from './suppression-view.repository';

export interface SuppressionModuleOptions {
  group: ConsumerGroupId;
  /** Default 10 s. */
  barrierTimeoutMs?: number;
}

/** `GET /health/suppression-view`: 200 while the view's consumer runs, 503 otherwise. */
@Controller('health')
class SuppressionViewHealthController {
  constructor(@Inject(SuppressionView) private readonly view: SuppressionView) {}

  @Get('suppression-view')
  check(): { status: 'up'; detail: string } {
    const { up, detail } = this.view.health();
    if (!up) throw new HttpException({ status: 'down', detail }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'up', detail };
  }
}

/**
 * The suppression view as a global Nest module (needs PlatformModule with a database). The view's
 * consumer starts on application bootstrap and stops before shutdown. The importing service
 * lists `CreateSuppressionView1764300000000` in its migrations.
 */
@Module({})
export class SuppressionModule {
  static forRoot(options: SuppressionModuleOptions): DynamicModule {
    return {
      module: SuppressionModule,
      global: true,
      controllers: [SuppressionViewHealthController],
      providers: [
        {
          provide: SuppressionView,
          inject: [Kafka, KAFKA_SETTINGS, DataSource, HealthRegistry],
          useFactory: (kafka: Kafka, settings: KafkaSettings, db: DataSource, health: HealthRegistry) => {
            const view = new SuppressionView(kafka, settings, new SuppressionViewRepository(db), {
              group: options.group,
              barrierTimeoutMs: options.barrierTimeoutMs ?? 10_000,
            });
            health.register('suppression-view', () => view.health());
            return view;
          },
        },
      ],
      exports: [SuppressionView],
    };
  }
}
