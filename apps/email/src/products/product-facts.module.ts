import { Module, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@reclaim/platform';
import { ProductFactsConsumer } from './product-facts.consumer';
import { ProductFactsRepository } from './product-facts.repository';

/** Current product facts (stock, price) for messages: the consumer that records them and the repository that reads them. */
@Module({
  providers: [ProductFactsRepository, ProductFactsConsumer],
  exports: [ProductFactsRepository],
})
export class ProductFactsModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly consumer: ProductFactsConsumer,
  ) {}

  onModuleInit(): void {
    this.health.register('product-facts', () => this.consumer.health());
  }
}
