// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nvme - NVM Express controller (hw/nvme/ctrl.c), a PCI Express function.
 *
 * Two compat stories reach it:
 *  - use-intel-id (5.2, "hw/block/nvme: change controller pci id"): the
 *    controller moved from Intel's 8086:5845 to Red Hat's 1b36:0010 and the
 *    property keeps the old IDs for pc-*-5.1 and older (hw_compat_5_1 on).
 *  - msix-exclusive-bar: 6.0 (1901b4967c3f) moved the MSI-X table and PBA
 *    from their own BAR 4 into BAR 0 for every machine type; 9.0 (and the
 *    7.2.11 / 8.2.3 stable releases) added the property with
 *    hw_compat_5_2 on, restoring the exclusive BAR for pc-*-5.2 and older.
 * Both change read-only, checked config space (vendor/device ID; the MSI-X
 * capability's Table Offset/BIR), declared as registers of the type over
 * the shared PCIDevice description: the MSI-X capability goes at the
 * first free slot (0x40).
 *
 * QEMU marks the nvme controller unmigratable (vmstate_nvme .unmigratable
 * = 1).  The section below is a modelled, plausible one: PCI Express
 * config, MSI-X (msix_qsize vectors) and the controller registers of BAR 0.
 */
#include <plugcheck/pci.h>

/* table offset in BAR 0: QEMU_ALIGN_UP(sizeof(NvmeBar) + doorbells, 4 KiB) */
#define NVME_MSIX_TABLE_OFF "((4096 + 8 * (max_ioqpairs + 1) + 4095) / 4096) * 4096"

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("nvme", "11.0")
	PC_DESCRIPTION("NVM Express controller (nvme)")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("nvme", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_BUFFER("msix_table", "size=16 count=msix_qsize")
	PC_FIELD_BUFFER("msix_pba", "size=1 count=\"(msix_qsize + 7) / 8\"")
	PC_FIELD_U64("cap", "")
	PC_FIELD_U32("vs", "")
	PC_FIELD_U32("intms", "")
	PC_FIELD_U32("intmc", "")
	PC_FIELD_U32("cc", "")
	PC_FIELD_U32("csts", "")
	PC_FIELD_U32("nssr", "")
	PC_FIELD_U32("aqa", "")
	PC_FIELD_U64("asq", "")
	PC_FIELD_U64("acq", "")
	PC_FIELD_U32("cmbloc", "")
	PC_FIELD_U32("cmbsz", "")
	PC_END

	/* hw/nvme/ctrl.c: nvme_props */
	PC_TYPE("nvme", "parent=pci-device interfaces=pci-express-device section=nvme"
		" doc=\"NVM Express controller\"")
	PC_ATTR("express", "1")
	PC_PROP_STRING("serial", "guest-visible")
	PC_PROP_U32("cmb_size_mb", "default=0 guest-visible")
	PC_PROP_U32("num_queues", "default=0 doc=\"deprecated, use max_ioqpairs\"")
	PC_PROP_U32("max_ioqpairs", "default=64 guest-visible")
	PC_PROP_U16("msix_qsize", "default=65 guest-visible")
	PC_PROP_U8("aerl", "default=3 guest-visible")
	PC_PROP_U32("aer_max_queued", "default=64")
	PC_PROP_U8("mdts", "default=7 guest-visible")
	PC_PROP_U8("vsl", "default=7 guest-visible")
	PC_PROP_BOOL("legacy-cmb", "default=off guest-visible")
	PC_PROP_BOOL("ioeventfd", "default=off")
	PC_PROP_U8("sriov_max_vfs", "default=0 guest-visible")
	PC_PROP_BOOL("use-intel-id", "default=off guest-visible since=5.2 absent=on"
		" doc=\"PCI IDs 8086:5845 instead of 1b36:0010 (created in 5.2 with hw_compat_5_1 on)\"")
	PC_PROP_BOOL("msix-exclusive-bar", "default=off guest-visible since=9.0 absent=on,6.0:off"
		" doc=\"MSI-X table and PBA in their own BAR 4; 6.0 moved them to BAR 0 for every machine type, 9.0 / 7.2.11 / 8.2.3 added the property (hw_compat_5_2 on)\"")
	/* hw/nvme/ctrl.c: vmstate_nvme has .unmigratable = 1 in every
	 * release the tree records */
	/* checked config space: the IDs and the MSI-X capability */
	PC_REGISTER("vendor-device-id", "field=parent_obj.config offset="
		PC_PCI_VENDOR_ID " size=4"
		" value=\"use-intel-id ? 0x58458086 : 0x00101b36\"")
	PC_CAPABILITY("msix", "id=" PC_PCI_CAP_ID_MSIX
		" field=parent_obj.config size=" PC_PCI_CAP_MSIX_SIZEOF
		" table=msix_table entries=msix_qsize")
	PC_REGISTER("msix-flags", "cap=msix offset=" PC_PCI_MSIX_FLAGS
		" size=2 value=\"msix_qsize - 1\" wmask=\"("
		PC_PCI_MSIX_FLAGS_ENABLE " | " PC_PCI_MSIX_FLAGS_MASKALL ")\"")
	PC_REGISTER("msix-table-bir", "cap=msix offset=" PC_PCI_MSIX_TABLE
		" size=4 value=\"msix-exclusive-bar ? 4 : " NVME_MSIX_TABLE_OFF "\"")
	PC_UNMIGRATABLE("reason=\"vmstate_nvme is unmigratable\"")
	PC_END
);
