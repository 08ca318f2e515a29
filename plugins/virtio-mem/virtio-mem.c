// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-mem - paravirtualized memory hot(un)plug: the backend `virtio-mem`
 * (hw/virtio/virtio-mem.c, internal) and the PCI proxy `virtio-mem-pci`
 * (hw/virtio/virtio-mem-pci.c, composite) under `virtio-mem-pci-base` and
 * the memory-device proxy base `virtio-md-pci`.
 *
 * Early migration (8.0, commit "virtio-mem: Migrate immutable properties
 * early"): with x-early-migration the sanity checks, the plugged size and
 * the bitmap travel in the early-setup section "virtio-mem-device-early"
 * and the regular section skips them (virtio_mem_vmstate_field_exists()).
 * plugcheck has one section per device, so the early part is modelled as
 * the first field of the section, present iff x-early-migration (since
 * 8.0), and the fields it replaces are present iff it is off.
 * hw_compat_7_2 sets x-early-migration=false.
 *
 * The plugged-block bitmap (VMSTATE_BITMAP, bitmap_size = region size /
 * block size bits) depends on the memory backend's size, a runtime
 * quantity with no property here; it is not modelled.
 *
 * MSI-X: until 10.0 virtio-mem-pci had no vectors property and no MSI-X
 * (nvectors 0); 10.0 added `vectors` (DEV_NVECTORS_UNSPECIFIED -> 2) with
 * hw_compat_9_2 { virtio-mem-pci, vectors, 0 }.
 */
#include <plugcheck/plugin.h>

#define VMEM_NVEC "(vectors == 4294967295 ? 2 : vectors)"

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("virtio-mem", "11.0")
	PC_DESCRIPTION("virtio-mem: virtio-mem-pci proxy with its virtio-mem backend")
	PC_LICENSE("GPL-2.0-or-later")

	/* vmstate_virtio_mem_sanity_checks (VMSTATE_WITH_TMP) */
	PC_VMSD("virtio-mem-device/sanity-checks", "version=1 min=1")
	PC_FIELD_U64("addr", "")
	PC_FIELD_U64("region_size", "")
	PC_FIELD_U64("block_size", "")
	PC_FIELD_U32("node", "")
	PC_END

	/* vmstate_virtio_mem_device_early (8.0), bitmap not modelled */
	PC_VMSD("virtio-mem-device-early", "version=1 min=1 since=8.0")
	PC_FIELD_STRUCT("sanity", "virtio-mem-device/sanity-checks", "")
	PC_FIELD_U64("size", "")
	PC_END

	/* vmstate_virtio_mem_device */
	PC_VMSD("virtio-mem-device", "version=1 min=1")
	PC_FIELD_STRUCT("sanity", "virtio-mem-device/sanity-checks", "if=\"!x-early-migration\"")
	PC_FIELD_U64("usable_region_size", "")
	PC_FIELD_U64("size", "if=\"!x-early-migration\"")
	PC_FIELD_U64("requested_size", "")
	PC_END

	/* vmstate_virtio_mem: VMSTATE_VIRTIO_DEVICE; one virtqueue */
	PC_VMSD("virtio-mem", "version=1 min=1")
	PC_FIELD_STRUCT("early", "virtio-mem-device-early", "if=x-early-migration since=8.0")
	PC_FIELD_STRUCT("pci_dev", "PCIDevice", "")
	PC_FIELD_BUFFER("msix_table", "size=16 count=\"" VMEM_NVEC "\" if=\"vectors != 0\"")
	PC_FIELD_BUFFER("msix_pba", "size=1 count=\"(" VMEM_NVEC " + 7) / 8\" if=\"vectors != 0\"")
	PC_FIELD_U16("config_vector", "if=\"vectors != 0\"")
	PC_FIELD_STRUCT("vdev", "VirtIODevice", "")
	PC_FIELD_U32("num_vqs", "")
	PC_FIELD_STRUCT("vq", "VirtQueue", "count=1")
	PC_FIELD_STRUCT("mem", "virtio-mem-device", "")
	PC_FIELD_STRUCT("virtio", "virtio", "")
	PC_END

	/* hw/virtio/virtio-mem.c: virtio_mem_properties */
	PC_TYPE("virtio-mem", "parent=virtio-device interfaces=ram-discard-manager internal"
		" doc=\"virtio-mem backend (only inside virtio-mem-pci)\"")
	PC_PROP_U64("memaddr", "default=0 guest-visible")
	PC_PROP_U32("node", "default=0 guest-visible")
	PC_PROP_U64("requested-size", "default=0")
	PC_PROP_U64("block-size", "default=0 guest-visible doc=\"0: chosen from the memory backend at realize\"")
	PC_PROP_STRING("memdev", "")
	PC_PROP_BOOL("prealloc", "default=off")
	PC_PROP_ONOFFAUTO("unplugged-inaccessible", "default=on guest-visible since=7.0 absent=off was=8.1:auto"
		" doc=\"VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE; created in 7.0 with default auto (pc_compat_6_2 off), default on since 8.1 (pc_compat_8_0 auto)\"")
	PC_PROP_BOOL("x-early-migration", "default=on since=8.0 absent=off"
		" doc=\"migrate immutable properties in an early-setup section (hw_compat_7_2 false)\"")
	PC_END

	/* hw/virtio/virtio-md-pci.c, hw/virtio/virtio-mem-pci.c */
	PC_TYPE("virtio-md-pci", "parent=virtio-pci interfaces=memory-device abstract")
	PC_END
	PC_TYPE("virtio-mem-pci-base", "parent=virtio-md-pci abstract section=virtio-mem")
	PC_END
	PC_TYPE("virtio-mem-pci", "parent=virtio-mem-pci-base interfaces=pci-express-device,conventional-pci-device"
		" doc=\"virtio-mem PCI proxy (composite: vdev = virtio-mem)\"")
	PC_CHILD("vdev", "virtio-mem", "alias-props")
	PC_PROP_U32("vectors", "default=4294967295 guest-visible since=10.0 absent=0 realized=\"" VMEM_NVEC "\""
		" doc=\"MSI-X vectors (10.0); DEV_NVECTORS_UNSPECIFIED (-1) = 2 at realize; no MSI-X before (hw_compat_9_2 0)\"")
	PC_END
);
