import { Module } from '@nestjs/common';
import { FunnelConsumer } from './funnel.consumer';
import { FunnelRepository } from './funnel.repository';

@Module({ controllers: [FunnelConsumer], providers: [FunnelRepository] })
export class FunnelModule {}
