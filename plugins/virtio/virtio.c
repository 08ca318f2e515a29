// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio - the virtio backend base `virtio-device` (hw/virtio/virtio.c),
 * the virtio PCI proxy base `virtio-pci` (hw/virtio/virtio-pci.c), and the
 * state descriptions every virtio device's section is built from.
 *
 * A virtio PCI device has ONE migration section, named after the backend
 * (QEMU registers the backend's dc->vmsd, "virtio-blk", "virtio-net", ...;
 * the proxy has none).  Its body is written by virtio_save():
 *
 *   1. transport config (virtio_pci_save_config): PCIDevice, then MSI-X
 *      table (vectors x 16 bytes) and PBA (DIV_ROUND_UP(vectors, 8) bytes)
 *      and config_vector (u16), the last three only when MSI-X is present
 *      (vectors != 0);
 *   2. VirtIODevice: status, isr, queue_sel, guest_features (low 32 bits),
 *      config_len and the config bytes;
 *   3. the number of virtqueues in use (u32), then per queue VirtQueue:
 *      vring.num, desc address, last_avail_idx, and the transport's queue
 *      vector (u16, MSI-X only);
 *   4. the backend's own state;
 *   5. vmstate_virtio ("virtio"): subsections only.
 *
 * The per-device sections (virtio-blk, virtio-scsi, virtio-net, virtio-mem)
 * live in their plugins and are declared on the composite proxy type, so
 * their expressions see the proxy's own properties (vectors, migrate-extra,
 * disable-modern) and, through alias-props, the backend's (num-queues).
 * Every virtio proxy therefore declares `vectors` (u32, QEMU's
 * DEV_NVECTORS_UNSPECIFIED = 4294967295 resolved at realize time).
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("virtio", "11.0")
	PC_DESCRIPTION("virtio-device and virtio-pci bases and the shared virtio state descriptions")
	PC_LICENSE("GPL-2.0-or-later")

	/* ---------------------------------------------------- shared state */

	/* virtio_save(): the generic device header */
	PC_VMSD("VirtIODevice", "version=1 min=1")
	PC_FIELD_U8("status", "")
	PC_FIELD_U8("isr", "")
	PC_FIELD_U16("queue_sel", "")
	PC_FIELD_U32("guest_features", "")
	PC_FIELD_U32("config_len", "")
	/* virtio_load() reads MIN(config_len, own) bytes and skips the rest */
	PC_FIELD_BUFFER("config", "size=1 count-field=config_len max=65536")
	PC_END

	/* virtio_save(): one virtqueue; the vector is virtio_pci_save_queue() */
	PC_VMSD("VirtQueue", "version=1 min=1")
	PC_FIELD_U32("vring_num", "")
	PC_FIELD_U64("desc", "")
	PC_FIELD_U16("last_avail_idx", "")
	PC_FIELD_U16("vector", "if=\"vectors != 0\"")
	PC_END

	/* vmstate_virtio: no fields, subsections only.  QEMU's needed()
	 * callbacks test runtime state (vdev->started, vdev->disabled, the
	 * negotiated packed-ring feature); the conditions below are the
	 * properties that gate that state, so a subsection is never sent
	 * while its property is off (older machine types). */
	PC_VMSD("virtio", "version=1 min=1")
	PC_SUBSECTION("virtio/device_endian", "runtime")
	PC_SUBSECTION("virtio/64bit_features", "runtime")
	PC_SUBSECTION("virtio/virtqueues", "runtime")
	PC_SUBSECTION("virtio/ringsize", "runtime")
	PC_SUBSECTION("virtio/broken", "runtime")
	PC_SUBSECTION("virtio/extra_state", "needed=migrate-extra")
	PC_SUBSECTION("virtio/started", "needed=use-started since=4.1")
	PC_SUBSECTION("virtio/disabled", "needed=use-disabled-flag since=5.0")
	PC_SUBSECTION("virtio/packed_virtqueues", "needed=packed since=4.2")
	PC_END

	PC_VMSD("virtio/device_endian", "version=1 min=1")
	PC_FIELD_U8("device_endian", "")
	PC_END
	PC_VMSD("virtio/64bit_features", "version=1 min=1")
	PC_FIELD_U64("guest_features", "")
	PC_END
	/* VMSTATE_STRUCT_VARRAY_POINTER_KNOWN(vq, ..., VIRTIO_QUEUE_MAX, ...) */
	PC_VMSD("virtqueue_state", "version=1 min=1")
	PC_FIELD_U64("avail", "")
	PC_FIELD_U64("used", "")
	PC_END
	PC_VMSD("virtio/virtqueues", "version=1 min=1")
	PC_FIELD_STRUCT("vq", "virtqueue_state", "count=1024")
	PC_END
	PC_VMSD("ringsize_state", "version=1 min=1")
	PC_FIELD_U32("num_default", "")
	PC_END
	PC_VMSD("virtio/ringsize", "version=1 min=1")
	PC_FIELD_STRUCT("vq", "ringsize_state", "count=1024")
	PC_END
	PC_VMSD("packed_virtqueue_state", "version=1 min=1")
	PC_FIELD_U16("last_avail_idx", "")
	PC_FIELD_BOOL("last_avail_wrap_counter", "")
	PC_FIELD_U16("used_idx", "")
	PC_FIELD_BOOL("used_wrap_counter", "")
	PC_FIELD_U16("signalled_used", "")
	PC_FIELD_BOOL("signalled_used_valid", "")
	PC_END
	PC_VMSD("virtio/packed_virtqueues", "version=1 min=1 since=4.2")
	PC_FIELD_STRUCT("vq", "packed_virtqueue_state", "count=1024")
	PC_END
	PC_VMSD("virtio/broken", "version=1 min=1")
	PC_FIELD_BOOL("broken", "")
	PC_END
	PC_VMSD("virtio/started", "version=1 min=1 since=4.1")
	PC_FIELD_BOOL("started", "")
	PC_END
	PC_VMSD("virtio/disabled", "version=1 min=1 since=5.0")
	PC_FIELD_BOOL("disabled", "")
	PC_END
	/* virtio/extra_state: the transport's vmstate_virtio_pci */
	PC_VMSD("virtio/extra_state", "version=1 min=1")
	PC_FIELD_STRUCT("extra_state", "virtio_pci", "")
	PC_END
	PC_VMSD("virtio_pci", "version=1 min=1")
	PC_SUBSECTION("virtio_pci/modern_state", "needed=\"!disable-modern\"")
	PC_END
	PC_VMSD("virtio_pci/modern_queue_state", "version=1 min=1")
	PC_FIELD_U16("num", "")
	PC_FIELD_BOOL("enabled", "")
	PC_FIELD_U32("desc", "count=2")
	PC_FIELD_U32("avail", "count=2")
	PC_FIELD_U32("used", "count=2")
	PC_END
	PC_VMSD("virtio_pci/modern_state", "version=1 min=1")
	PC_FIELD_U32("dfselect", "")
	PC_FIELD_U32("gfselect", "")
	PC_FIELD_U32("guest_features", "count=2")
	PC_FIELD_STRUCT("vqs", "virtio_pci/modern_queue_state", "count=1024")
	PC_END

	/* ---------------------------------------------------- types */

	/* hw/virtio/virtio.c: virtio_properties, DEFINE_VIRTIO_COMMON_FEATURES
	 * (bits of VirtIODevice.host_features) */
	PC_TYPE("virtio-device", "parent=device abstract doc=\"virtio backend base (hw/virtio/virtio.c)\"")
	PC_PROP_FEATURE("indirect_desc", "container=host_features bit=28 default=on")
	PC_PROP_FEATURE("event_idx", "container=host_features bit=29 default=on")
	PC_PROP_FEATURE("notify_on_empty", "container=host_features bit=24 default=on")
	PC_PROP_FEATURE("any_layout", "container=host_features bit=27 default=on")
	PC_PROP_FEATURE("iommu_platform", "container=host_features bit=33 default=off")
	PC_PROP_FEATURE("packed", "container=host_features bit=34 default=off")
	PC_PROP_FEATURE("queue_reset", "container=host_features bit=40 default=on since=7.2 absent=off"
		" doc=\"VIRTIO_F_RING_RESET (hw_compat_7_1 false)\"")
	PC_PROP_BOOL("use-started", "default=on since=4.1 absent=off"
		" doc=\"migrate vdev->started (virtio/started subsection); hw_compat_4_0 false\"")
	PC_PROP_BOOL("use-disabled-flag", "default=on since=5.0 absent=off"
		" doc=\"hw_compat_4_2 false (moved there from hw_compat_4_1 in 6.0)\"")
	PC_PROP_BOOL("x-disable-legacy-check", "default=off since=5.2 absent=on,5.1:off"
		" doc=\"5.1 added a fatal legacy-support check for all machine types; 5.2 the property (hw_compat_5_0 true)\"")
	PC_END

	/* hw/virtio/virtio-pci.c: virtio_pci_properties, bits of
	 * VirtIOPCIProxy.flags (VIRTIO_PCI_FLAG_*_BIT) */
	PC_TYPE("virtio-pci", "parent=pci-device abstract doc=\"virtio PCI proxy base (hw/virtio/virtio-pci.c)\"")
	PC_PROP_BIT("virtio-pci-bus-master-bug-migration", "container=flags bit=0 default=off")
	PC_PROP_BIT("ioeventfd", "container=flags bit=1 default=on")
	PC_PROP_BIT("migrate-extra", "container=flags bit=2 default=on"
		" doc=\"send the virtio/extra_state subsection (modern transport state)\"")
	PC_PROP_BIT("modern-pio-notify", "container=flags bit=3 default=off guest-visible")
	PC_PROP_BIT("x-disable-pcie", "container=flags bit=4 default=off guest-visible")
	PC_PROP_BIT("page-per-vq", "container=flags bit=5 default=off guest-visible")
	PC_PROP_BIT("ats", "container=flags bit=6 default=off guest-visible")
	PC_PROP_BIT("x-pcie-deverr-init", "container=flags bit=7 default=on guest-visible since=2.9 absent=off")
	PC_PROP_BIT("x-pcie-lnkctl-init", "container=flags bit=8 default=on guest-visible since=2.9 absent=off")
	PC_PROP_BIT("x-pcie-pm-init", "container=flags bit=9 default=on guest-visible since=2.9 absent=off")
	PC_PROP_BIT("x-pcie-flr-init", "container=flags bit=10 default=on guest-visible since=4.2 absent=off")
	PC_PROP_BIT("aer", "container=flags bit=11 default=off guest-visible")
	PC_PROP_BIT("x-ats-page-aligned", "container=flags bit=12 default=on since=6.0 absent=off,5.2:on"
		" doc=\"page-aligned ATS; 5.2 advertised it for all machine types, 6.0 added the property (hw_compat_5_1 off). Only visible with ats=on, so not guest-visible by default\"")
	PC_PROP_BIT("x-pcie-pm-no-soft-reset", "container=flags bit=13 default=off guest-visible since=9.1 absent=off"
		" doc=\"PMCSR No_Soft_Reset; hw_compat_9_0 off equals the default\"")
	PC_PROP_ONOFFAUTO("disable-legacy", "default=auto guest-visible realized=pcie_port"
		" doc=\"virtio_pci_realize(): auto is on behind a PCI Express port, off on a root bus\"")
	PC_PROP_BOOL("disable-modern", "default=off guest-visible")
	PC_END
);
