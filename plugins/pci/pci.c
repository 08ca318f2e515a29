// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pci - the PCI device base (`pci-device`, hw/pci/pci.c), the PCI bridge /
 * PCIe port chain down to the generic PCIe root port
 * (hw/pci/pci_bridge.c, hw/pci/pcie_port.c, hw/pci-bridge/pcie_root_port.c,
 * hw/pci-bridge/gen_pcie_root_port.c), and the shared state descriptions
 * every PCI device embeds:
 *
 *   PCIDevice       vmstate_pci_device: the config space, 256 bytes, or
 *                   4096 for a PCI Express function (attribute express)
 *   PCIEDevice      the 4096-byte layout alone, for vendor modules only
 *   PCIE_AER_ERROR_LOG / PCIE_AER_ERROR   vmstate_pcie_aer_log / _err
 *
 * Config space is declared per type, on the shared descriptions: the
 * root ports add the AER extended capability at 0x100 (rp_realize():
 * pcie_aer_init(), PC_PCIE_AER() of <plugcheck/pci.h>) to their section's
 * parent_obj.config.
 *
 * The AER uncorrectable error mask (hw/pci/pcie_aer.c, pcie_aer_init()):
 *   8.0 (commit 010746ae1d) set the register to PCI_ERR_UNC_MASK_DEFAULT
 *   and made PCI_ERR_UNC_SUPPORTED writable, for every machine type;
 *   8.0.1 / 8.1 (commit 5ed3dabe57) put that behind x-pcie-err-unc-mask
 *   (cap_present bit QEMU_PCIE_ERR_UNC_MASK_BITNR = 11) with
 *   hw_compat_7_2 = off.  PCI_ERR_UNC_SUPPORTED (pcie_regs.h) includes the
 *   two default-mask bits (INTN, TLP_PRF_BLOCKED): on an 8.0 destination
 *   they are guest-writable and not checked, so 7.2 -> 8.0 loads; an
 *   older or 8.0.1 (pc-7.2, off) destination checks the whole register
 *   (wmask 0) and refuses 8.0's 0x02400000.
 */
#include <plugcheck/pci.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("pci", "11.0")
	PC_DESCRIPTION("PCI device base, PCIe root port and the shared PCI/PCIe/AER state descriptions")
	PC_LICENSE("GPL-2.0-or-later")

	/* ---------------------------------------------------- shared state */

	/* vmstate_pci_device (hw/pci/pci.c): the config space is one of two
	 * test-gated buffers, PCI_CONFIG_SPACE_SIZE if !pci_is_express()
	 * (is_not_pcie), PCIE_CONFIG_SPACE_SIZE if it is (is_pcie); the
	 * interrupt pin levels are one 16-byte buffer (PCI_NUM_PINS int32,
	 * vmstate_info_pci_irq_state) from version 2 */
	PC_VMSD("PCIDevice", "version=2 min=1")
	PC_FIELD_I32("version_id", "")
	PC_FIELD_BUFFER("config", "size=256 if=!express")
	PC_FIELD_BUFFER("config", "size=4096 if=express")
	PC_FIELD_BUFFER("irq_state", "size=16 version=2")
	PC_END

	/* the PCI Express layout as one description, as the tree declared it
	 * before PCIDevice carried both alternatives: no shipped type embeds
	 * it any more; kept so that vendor modules that do still load (new
	 * ones embed PCIDevice and set the attribute express) */
	PC_VMSD("PCIEDevice", "version=2 min=1")
	PC_FIELD_I32("version_id", "")
	PC_FIELD_BUFFER("config", "size=4096")
	PC_FIELD_I32("irq_state", "count=4")
	PC_END

	/* vmstate_pcie_aer_err (hw/pci/pcie_aer.c) */
	PC_VMSD("PCIE_AER_ERROR", "version=1 min=1")
	PC_FIELD_U32("status", "")
	PC_FIELD_U16("source_id", "")
	PC_FIELD_U16("flags", "")
	PC_FIELD_U32("header", "count=4")
	PC_FIELD_U32("prefix", "count=4")
	PC_END

	/* vmstate_pcie_aer_log: log_num entries (at most PCIE_AER_LOG_MAX_LIMIT) */
	PC_VMSD("PCIE_AER_ERROR_LOG", "version=1 min=1")
	PC_FIELD_U16("log_num", "")
	PC_FIELD_U16("log_max", "")
	PC_FIELD_STRUCT("log", "PCIE_AER_ERROR", "count-field=log_num max=128")
	PC_END

	/* VMSTATE_MSIX (hw/pci/msix.c): vmstate_msix holds one field "msix"
	 * saved by vmstate_info_msix, whose msix_save() writes the vector
	 * table, 16 bytes a vector, then the pending bit array, a bit a
	 * vector; the vectors are the function's (attribute msix-vectors).
	 * QEMU's dump shows the field with size 0 (info=). */
	PC_VMSD("msix-vectors", "version=0 min=0")
	PC_FIELD_BUFFER("msix_table", "size=16 count=msix-vectors")
	PC_FIELD_BUFFER("msix_pba", "size=1 count=\"(msix-vectors + 7) / 8\"")
	PC_END
	PC_VMSD("msix", "version=0 min=0")
	PC_FIELD_STRUCT("msix", "msix-vectors", "info=msix")
	PC_END

	/* vmstate_rp_dev (hw/pci-bridge/gen_pcie_root_port.c), its fields
	 * named as QEMU names them (the members of GenPCIERootPort they
	 * save); MSI-X (VMSTATE_MSIX_TEST, gen_rp_test_migrate_msix) has
	 * GEN_PCIE_ROOT_PORT_MSIX_NR_VECTOR = 1 vector: 16 bytes of table,
	 * DIV_ROUND_UP(1, 8) = 1 byte of PBA */
	PC_VMSD("pcie-root-port", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj.parent_obj.parent_obj", "PCIDevice", "")
	PC_FIELD_STRUCT("parent_obj.parent_obj.parent_obj.exp.aer_log", "PCIE_AER_ERROR_LOG", "")
	PC_FIELD_STRUCT("parent_obj.parent_obj.parent_obj.parent_obj", "msix", "if=x-migrate-msix")
	PC_END

	/* ---------------------------------------------------- types */

	/* hw/pci/pci.c: pci_props; bits of PCIDevice.cap_present */
	PC_TYPE("pci-device", "parent=device abstract doc=\"PCI device base (hw/pci/pci.c)\"")
	/* pci_is_express(): QEMU_PCI_CAP_EXPRESS, set by pci_qdev_realize()
	 * for a type that is a PCI Express device and not also a
	 * conventional one; the hybrids (virtio) keep it off here */
	PC_ATTR("express", "0")
	PC_PROP_I32("addr", "default=-1 doc=\"devfn, -1 = first free slot\"")
	/* pci_qdev_realize(): a romfile nobody set is the class's (k->romfile) */
	PC_ATTR("class-romfile", "\"\"")
	PC_PROP_STRING("romfile", "derived=class-romfile doc=\"option ROM; unset: the class's ROM file (attribute class-romfile)\"")
	PC_PROP_BIT("multifunction", "container=cap_present bit=3 default=off guest-visible")
	PC_PROP_BIT("x-pcie-lnksta-dllla", "container=cap_present bit=8 default=on guest-visible")
	PC_PROP_BIT("x-pcie-extcap-init", "container=cap_present bit=9 default=on guest-visible since=2.9 absent=off"
		" doc=\"PCIe: terminate an empty extended capability list at 0x100 (hw_compat_2_8 off)\"")
	PC_PROP_BIT("x-pcie-err-unc-mask", "container=cap_present bit=11 default=on since=8.0.1 absent=off,8.0:on"
		" doc=\"AER: PCI_ERR_UNCOR_MASK initialised to 0x02400000 and writable. 8.0 did this for every machine type (no property); 8.0.1 added the property with hw_compat_7_2 off. Its effect is the aer-uncor-mask register of the AER capability (PC_PCIE_AER()), so only functions with AER are affected\"")
	PC_PROP_BIT("x-pcie-ari-nextfn-1", "container=cap_present bit=12 default=off guest-visible since=8.1 absent=on"
		" doc=\"ARI capability Next Function Number 1 instead of 0 (hw_compat_8_0 on)\"")
	PC_PROP_BIT("x-pcie-ext-tag", "container=cap_present bit=13 default=on guest-visible since=9.2 absent=off"
		" doc=\"PCIe DEVCAP Extended Tag Field Supported (hw_compat_9_1 false)\"")
	PC_PROP_STRING("failover_pair_id", "")
	PC_END

	/* hw/pci/pci_bridge.c: TYPE_PCI_BRIDGE */
	PC_TYPE("base-pci-bridge", "parent=pci-device interfaces=acpi-dev-aml-interface abstract")
	PC_PROP_BOOL("x-pci-express-writeable-slt-bug", "default=off since=8.2 absent=on"
		" doc=\"Secondary Latency Timer writable on PCIe bridges (bug fixed in 8.2, hw_compat_8_1 true); SLT is not a checked config byte\"")
	PC_END

	/* hw/pci/pcie_port.c */
	PC_TYPE("pcie-port", "parent=base-pci-bridge abstract")
	PC_PROP_U8("port", "default=0 guest-visible")
	PC_PROP_U16("aer_log_max", "default=8")
	PC_END
	PC_TYPE("pcie-slot", "parent=pcie-port interfaces=hotplug-handler abstract")
	PC_PROP_U8("chassis", "default=0 guest-visible")
	PC_PROP_U16("slot", "default=0 guest-visible")
	PC_PROP_BOOL("hotplug", "default=on guest-visible")
	PC_END

	/* hw/pci-bridge/pcie_root_port.c */
	PC_TYPE("pcie-root-port-base", "parent=pcie-slot interfaces=pci-express-device abstract")
	PC_ATTR("express", "1")
	PC_PROP_BOOL("disable-acs", "default=off guest-visible since=4.1 absent=on,4.0:off"
		" doc=\"no ACS capability; 4.0 added ACS unconditionally, 4.1 the property (hw_compat_3_1 true)\"")
	/* rp_realize(): pcie_aer_init(d, PCI_ERR_VER, rpc->aer_offset = 0x100,
	 * PCI_ERR_SIZEOF) */
	PC_PCIE_AER("parent_obj.parent_obj.parent_obj.config", "0x100")
	PC_END

	/* hw/pci-bridge/gen_pcie_root_port.c: gen_rp_props */
	PC_TYPE("pcie-root-port", "parent=pcie-root-port-base section=pcie-root-port doc=\"generic PCIe root port, AER at 0x100\"")
	PC_ATTR("msix-vectors", "1") /* GEN_PCIE_ROOT_PORT_MSIX_NR_VECTOR */
	PC_PROP_BOOL("x-migrate-msix", "default=on since=2.10 absent=off")
	PC_PROP_ENUM("x-speed", "values=2_5,5,8,16,32,64 default=16 guest-visible since=4.0 absent=2_5"
		" doc=\"link speed in GT/s (LNKCAP)\"")
	PC_PROP_ENUM("x-width", "values=1,2,4,8,12,16,32 default=32 guest-visible since=4.0 absent=1"
		" doc=\"link width (LNKCAP)\"")
	PC_PROP_U32("bus-reserve", "default=4294967295")
	PC_END
);
