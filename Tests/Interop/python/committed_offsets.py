"""The offsets a consumer group has committed on a topic, read with kafka-python (Debian's python3-kafka), a client
Segmenter did not write. Run by Tests/Interop/KafkaJsInteropTests.cs:

    /usr/bin/python3 committed_offsets.py BOOTSTRAP GROUP TOPIC

Prints one JSON object: {"<partition>": <committed offset>, ...} for the partitions of TOPIC the group committed.
"""
import json
import sys

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition


def main(bootstrap, group, topic):
    # The partitions are named in the request: asked for "all of the group's offsets" (no partitions), librdkafka's
    # mock broker answers without a topic list, which kafka-python 2.0.2 cannot read.
    metadata = KafkaConsumer(bootstrap_servers=bootstrap, client_id="segmenter-interop")
    try:
        partitions = sorted(metadata.partitions_for_topic(topic) or [])
    finally:
        metadata.close()
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="segmenter-interop")
    try:
        offsets = admin.list_consumer_group_offsets(group, partitions=[TopicPartition(topic, p) for p in partitions])
    finally:
        admin.close()
    print(json.dumps({str(tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}, sort_keys=True))


if __name__ == "__main__":
    main(*sys.argv[1:4])
