// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-blk - virtio block device: the backend `virtio-blk-device`
 * (hw/block/virtio-blk.c, internal: it only exists inside a proxy) and the
 * PCI proxy `virtio-blk-pci` (hw/virtio/virtio-blk-pci.c), a composite
 * whose child `vdev` is the backend and whose properties alias the child's.
 *
 * The guide's multiqueue story: 5.2 (commit 9445e1e15e) changed num-queues
 * from 1 to VIRTIO_BLK_AUTO_NUM_QUEUES, resolved by the PCI proxy to
 * virtio_pci_optimal_num_queues(0) = MIN(smp, VIRTIO_QUEUE_MAX = 1024),
 * with hw_compat_5_1 { virtio-blk-device, num-queues, 1 }.  The queue
 * count is on the wire twice: one VirtQueue record per queue, and the MSI-X
 * table, whose size the proxy derives from it (vectors = num-queues + 1).
 */
#include <inttypes.h>
#include <stddef.h>

#include <plugcheck/plugin.h>

/* MSI-X vectors after realize: DEV_NVECTORS_UNSPECIFIED -> num-queues + 1 */
#define VBLK_NVEC "(vectors == 4294967295 ? num-queues + 1 : vectors)"

#define VIRTIO_QUEUE_MAX 1024

/*
 * post_load: what virtio_load() and virtio_blk_load_device() refuse.
 *  - more virtqueues in use than the device has ("Invalid number of
 *    virtqueues");
 *  - a ring larger than the device's queue-size;
 *  - a queue without a ring address but with a non-zero avail index
 *    ("VQ %d address 0x0 inconsistent with Host index 0x%x").
 */
PLUGCHECK_EXPORT int virtio_blk_post_load(const struct plugcheck_api *api,
					  struct plugcheck_hook_ctx *ctx);

PLUGCHECK_EXPORT int virtio_blk_post_load(const struct plugcheck_api *api,
					  struct plugcheck_hook_ctx *ctx)
{
	int64_t nq, qsize = 0;
	uint64_t in_use;

	if (!api || api->size < offsetof(struct plugcheck_api, reserved))
		return -1;
	if (api->prop_int(ctx, "num-queues", &nq)) {
		api->reject(ctx, "virtio-blk: no num-queues property");
		return -1;
	}
	if (nq < 1 || nq > VIRTIO_QUEUE_MAX) {
		api->reject(ctx, "virtio-blk: num-queues %" PRId64
			    " outside 1..%d", nq, VIRTIO_QUEUE_MAX);
		return -1;
	}
	if (api->prop_int(ctx, "queue-size", &qsize))
		qsize = 0;
	if (!api->field_u64(ctx, "num_vqs", 0, &in_use) &&
	    in_use > (uint64_t)nq) {
		api->reject(ctx, "virtio-blk: Invalid number of virtqueues: 0x%"
			    PRIx64 " (the device has %" PRId64 ")", in_use, nq);
		return -1;
	}
	for (uint32_t i = 0; i < (uint32_t)nq; i++) {
		uint64_t num, desc, avail;

		if (api->field_u64(ctx, "vq.vring_num", i, &num) ||
		    api->field_u64(ctx, "vq.desc", i, &desc) ||
		    api->field_u64(ctx, "vq.last_avail_idx", i, &avail)) {
			api->reject(ctx, "virtio-blk: virtqueue %" PRIu32
				    " missing from the loaded state", i);
			return -1;
		}
		if (qsize > 0 && num > (uint64_t)qsize) {
			api->reject(ctx, "virtio-blk: VQ %" PRIu32 " size 0x%"
				    PRIx64 " exceeds queue-size %" PRId64,
				    i, num, qsize);
			return -1;
		}
		if (!desc && avail) {
			api->reject(ctx, "virtio-blk: VQ %" PRIu32
				    " address 0x0 inconsistent with Host index 0x%"
				    PRIx64, i, avail);
			return -1;
		}
	}
	return 0;
}

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("virtio-blk", "11.0")
	PC_DESCRIPTION("virtio block device: virtio-blk-pci proxy with its virtio-blk-device backend")
	PC_LICENSE("GPL-2.0-or-later")

	/* vmstate_virtio_blk: VMSTATE_VIRTIO_DEVICE, version 2 */
	PC_VMSD("virtio-blk", "version=2 min=2")
	PC_FIELD_STRUCT("pci_dev", "PCIDevice", "")
	PC_FIELD_BUFFER("msix_table", "size=16 count=\"" VBLK_NVEC "\" if=\"vectors != 0\"")
	PC_FIELD_BUFFER("msix_pba", "size=1 count=\"(" VBLK_NVEC " + 7) / 8\" if=\"vectors != 0\"")
	PC_FIELD_U16("config_vector", "if=\"vectors != 0\"")
	PC_FIELD_STRUCT("vdev", "VirtIODevice", "")
	PC_FIELD_U32("num_vqs", "")
	PC_FIELD_STRUCT("vq", "VirtQueue", "count=num-queues")
	/* virtio_blk_save_device(): in-flight requests, 0-terminated (the
	 * queue index precedes each one only when num-queues > 1); a stopped,
	 * drained device sends just the terminator */
	PC_FIELD_I8("rq_end", "")
	PC_FIELD_STRUCT("virtio", "virtio", "")
	PC_END

	/* hw/block/virtio-blk.c: virtio_blk_properties */
	PC_TYPE("virtio-blk-device", "parent=virtio-device internal doc=\"virtio-blk backend (only inside virtio-blk-pci)\"")
	PC_PROP_U16("num-queues", "derived=\"min(smp, 1024)\" was=5.2:1 guest-visible"
		" doc=\"VIRTIO_BLK_AUTO_NUM_QUEUES resolved by the PCI proxy to MIN(smp, VIRTIO_QUEUE_MAX); 1 before 5.2 (hw_compat_5_1)\"")
	PC_PROP_U16("queue-size", "default=256 was=5.0:128 guest-visible")
	PC_PROP_FEATURE("config-wce", "container=host_features bit=11 default=on")
	PC_PROP_FEATURE("discard", "container=host_features bit=13 default=on since=4.0 absent=off")
	PC_PROP_FEATURE("write-zeroes", "container=host_features bit=14 default=on since=4.0 absent=off")
	PC_PROP_BOOL("request-merging", "default=on")
	PC_PROP_BOOL("x-enable-wce-if-config-wce", "default=on guest-visible since=5.0 absent=off"
		" doc=\"advertise VIRTIO_BLK_F_FLUSH with CONFIG_WCE (hw_compat_4_2 off)\"")
	PC_PROP_BOOL("seg-max-adjust", "default=on guest-visible since=5.0 absent=off"
		" doc=\"seg_max = queue-size - 2 in config space (hw_compat_4_2 off)\"")
	PC_PROP_BOOL("report-discard-granularity", "default=on guest-visible since=6.0 absent=off"
		" doc=\"discard_sector_alignment from the block layer (hw_compat_5_2 off)\"")
	PC_PROP_U32("max-discard-sectors", "default=4194303 guest-visible")
	PC_PROP_U32("max-write-zeroes-sectors", "default=4194303 guest-visible")
	PC_END

	/* hw/virtio/virtio-blk-pci.c */
	PC_TYPE("virtio-blk-pci-base", "parent=virtio-pci abstract section=virtio-blk")
	PC_END
	PC_TYPE("virtio-blk-pci", "parent=virtio-blk-pci-base interfaces=pci-express-device,conventional-pci-device"
		" doc=\"virtio-blk PCI proxy (composite: vdev = virtio-blk-device)\"")
	PC_CHILD("vdev", "virtio-blk-device", "alias-props")
	PC_PROP_U32("vectors", "default=4294967295 was=2.12:2 guest-visible realized=\"" VBLK_NVEC "\""
		" doc=\"MSI-X vectors; DEV_NVECTORS_UNSPECIFIED (-1) = num-queues + 1 at realize (hw_compat_2_11 2)\"")
	PC_HOOK("post_load", "virtio_blk_post_load")
	PC_END
);
