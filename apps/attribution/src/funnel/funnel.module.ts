import { Module } from '@nestjs/common';
import { FunnelRepository } from './funnel.repository';
import { FunnelSink } from './funnel.sink';

@Module({ providers: [FunnelRepository, FunnelSink], exports: [FunnelRepository, FunnelSink] })
export class FunnelModule {}
