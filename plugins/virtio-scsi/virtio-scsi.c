// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-scsi - virtio SCSI host adapter: `virtio-scsi-common` (abstract),
 * the backend `virtio-scsi-device` (hw/scsi/virtio-scsi.c, internal) and the
 * PCI proxy `virtio-scsi-pci` (hw/virtio/virtio-scsi-pci.c, composite).
 *
 * Like virtio-blk, 5.2 made num_queues default to the vCPU count
 * (VIRTIO_SCSI_AUTO_NUM_QUEUES resolved to virtio_pci_optimal_num_queues(
 * VIRTIO_SCSI_VQ_NUM_FIXED = 2) = MIN(smp, 1022)), hw_compat_5_1 = 1.  The
 * device has num_queues request queues after the control and event queues;
 * the proxy's MSI-X vectors default to num_queues + 3.
 */
#include <plugcheck/plugin.h>

#define VSCSI_NVEC "(vectors == 4294967295 ? num_queues + 3 : vectors)"

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("virtio-scsi", "11.0")
	PC_DESCRIPTION("virtio SCSI adapter: virtio-scsi-pci proxy with its virtio-scsi-device backend")
	PC_LICENSE("GPL-2.0-or-later")

	/* vmstate_virtio_scsi: VMSTATE_VIRTIO_DEVICE, version 1; requests
	 * in flight travel with the SCSI devices, not here */
	PC_VMSD("virtio-scsi", "version=1 min=1")
	PC_FIELD_STRUCT("pci_dev", "PCIDevice", "")
	PC_FIELD_BUFFER("msix_table", "size=16 count=\"" VSCSI_NVEC "\" if=\"vectors != 0\"")
	PC_FIELD_BUFFER("msix_pba", "size=1 count=\"(" VSCSI_NVEC " + 7) / 8\" if=\"vectors != 0\"")
	PC_FIELD_U16("config_vector", "if=\"vectors != 0\"")
	PC_FIELD_STRUCT("vdev", "VirtIODevice", "")
	PC_FIELD_U32("num_vqs", "")
	PC_FIELD_STRUCT("ctrl_event_vq", "VirtQueue", "count=2")
	PC_FIELD_STRUCT("cmd_vq", "VirtQueue", "count=num_queues")
	PC_FIELD_STRUCT("virtio", "virtio", "")
	PC_END

	/* hw/scsi/virtio-scsi.c */
	PC_TYPE("virtio-scsi-common", "parent=virtio-device abstract")
	PC_END
	PC_TYPE("virtio-scsi-device", "parent=virtio-scsi-common interfaces=hotplug-handler internal"
		" doc=\"virtio-scsi backend (only inside virtio-scsi-pci)\"")
	PC_PROP_U32("num_queues", "derived=\"min(smp, 1022)\" was=5.2:1 guest-visible"
		" doc=\"request queues; VIRTIO_SCSI_AUTO_NUM_QUEUES resolved to MIN(smp, VIRTIO_QUEUE_MAX - 2); 1 before 5.2 (hw_compat_5_1)\"")
	PC_PROP_U32("virtqueue_size", "default=256 was=5.0:128 guest-visible")
	PC_PROP_BOOL("seg_max_adjust", "default=on guest-visible since=5.0 absent=off"
		" doc=\"seg_max = virtqueue_size - 2 (hw_compat_4_2 off)\"")
	PC_PROP_U32("max_sectors", "default=65535 guest-visible")
	PC_PROP_U32("cmd_per_lun", "default=128 guest-visible")
	PC_PROP_FEATURE("hotplug", "container=host_features bit=1 default=on")
	PC_PROP_FEATURE("param_change", "container=host_features bit=2 default=on")
	PC_END

	/* hw/virtio/virtio-scsi-pci.c */
	PC_TYPE("virtio-scsi-pci-base", "parent=virtio-pci abstract section=virtio-scsi")
	PC_PROP_U32("vectors", "default=4294967295 guest-visible realized=\"" VSCSI_NVEC "\""
		" doc=\"MSI-X vectors; DEV_NVECTORS_UNSPECIFIED (-1) = num_queues + 3 at realize\"")
	PC_END
	PC_TYPE("virtio-scsi-pci", "parent=virtio-scsi-pci-base interfaces=pci-express-device,conventional-pci-device"
		" doc=\"virtio-scsi PCI proxy (composite: vdev = virtio-scsi-device)\"")
	PC_CHILD("vdev", "virtio-scsi-device", "alias-props")
	PC_END
);
