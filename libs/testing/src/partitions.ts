import { AssignerProtocol, Partitioners, type Kafka } from 'kafkajs';

/** One member of a consumer group and the partitions of a topic the coordinator gave it. */
export interface GroupMember {
  memberId: string;
  partitions: number[];
}

/**
 * The members of a (physical) consumer group and their partitions of `topic`, as the group
 * coordinator has them; empty while the group is rebalancing or has no members. Tests use it to
 * see partitions move between instances of a service.
 */
export async function groupAssignment(kafka: Kafka, groupId: string, topic: string): Promise<GroupMember[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (group?.state !== 'Stable') return [];
    return group.members.map((m) => ({
      memberId: m.memberId,
      partitions: [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])].sort(
        (a, b) => a - b,
      ),
    }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * The partition the services' producers (kafkajs' default partitioner: Java's murmur2 of the key)
 * give `key` on a topic of `partitions` partitions. Tests use it to put records behind one another
 * on one partition on purpose, whatever the topic's partition count.
 */
export function partitionForKey(key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  return partitioner({
    topic: 'any',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    })),
    message: { key, value: null },
  });
}
