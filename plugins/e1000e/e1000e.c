// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * e1000e - Intel 82574L GbE NIC (hw/net/e1000e.c), a PCI Express function
 * with an AER extended capability at 0x100 (e1000e_aer_offset), declared on
 * the type with PC_PCIE_AER() over the shared PCIDevice description, so its
 * config space carries QEMU's PCI_ERR_UNCOR_MASK masks.
 *
 * 8.0 ("e1000e: Implement system clock") added the SYSTIM adjustment
 * core.timadj to the state as VMSTATE_INT64_TEST(core.timadj, E1000EState,
 * e1000e_migrate_timadj), gated by the new property migrate-timadj
 * (hw_compat_7_2 off), without a version bump: e1000e is still version 1.
 */
#include <inttypes.h>
#include <stddef.h>

#include <plugcheck/pci.h>

/*
 * post_load: e1000e_post_load() refuses a stream whose subsystem IDs differ
 * from the destination's properties ("ERROR: Cannot migrate while device
 * properties (subsys/subsys_ven) differ").
 */
PLUGCHECK_EXPORT int e1000e_post_load(const struct plugcheck_api *api,
				      struct plugcheck_hook_ctx *ctx);

PLUGCHECK_EXPORT int e1000e_post_load(const struct plugcheck_api *api,
				      struct plugcheck_hook_ctx *ctx)
{
	static const char *const names[] = { "subsys", "subsys_ven" };

	if (!api || api->size < offsetof(struct plugcheck_api, reserved))
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int64_t prop;
		uint64_t wire;

		if (api->prop_int(ctx, names[i], &prop) ||
		    api->field_u64(ctx, names[i], 0, &wire))
			continue;
		if ((uint64_t)prop != wire) {
			api->reject(ctx, "e1000e: Cannot migrate while device properties (subsys/subsys_ven) differ: %s is 0x%"
				    PRIx64 " in the stream, 0x%" PRIx64 " here",
				    names[i], wire, (uint64_t)prop);
			return -1;
		}
	}
	return 0;
}

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("e1000e", "11.0")
	PC_DESCRIPTION("Intel 82574L GbE NIC (e1000e), PCIe with AER")
	PC_LICENSE("GPL-2.0-or-later")

	/* VMSTATE_E1000E_INTR_DELAY_TIMER: timer expiry and running flag */
	PC_VMSD("e1000e-intr-timer", "version=1 min=1")
	PC_FIELD_I64("timer", "")
	PC_FIELD_BOOL("running", "")
	PC_END

	/* e1000e_vmstate_tx */
	PC_VMSD("e1000e-tx", "version=1 min=1")
	PC_FIELD_U8("sum_needed", "")
	PC_FIELD_U8("props.ipcss", "")
	PC_FIELD_U8("props.ipcso", "")
	PC_FIELD_U16("props.ipcse", "")
	PC_FIELD_U8("props.tucss", "")
	PC_FIELD_U8("props.tucso", "")
	PC_FIELD_U16("props.tucse", "")
	PC_FIELD_U8("props.hdr_len", "")
	PC_FIELD_U16("props.mss", "")
	PC_FIELD_U32("props.paylen", "")
	PC_FIELD_I8("props.ip", "")
	PC_FIELD_I8("props.tcp", "")
	PC_FIELD_BOOL("props.tse", "")
	PC_FIELD_BOOL("cptse", "")
	PC_FIELD_BOOL("skip_cp", "")
	PC_END

	/* e1000e_vmstate, its fields named as QEMU names them (the members
	 * of E1000EState they save: core.*); VMSTATE_MSIX(parent_obj) with
	 * E1000E_MSIX_VEC_NUM = 5 vectors (attribute msix-vectors) */
	PC_VMSD("e1000e", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_STRUCT("parent_obj", "msix", "")
	PC_FIELD_U32("ioaddr", "")
	PC_FIELD_U32("core.rxbuf_min_shift", "")
	PC_FIELD_U8("core.rx_desc_len", "")
	PC_FIELD_U32("core.rxbuf_sizes", "count=4")
	PC_FIELD_U32("core.rx_desc_buf_size", "")
	PC_FIELD_U16("core.eeprom", "count=64")
	PC_FIELD_U16("core.phy", "count=224") /* E1000E_PHY_PAGES x E1000E_PHY_PAGE_SIZE */
	PC_FIELD_U32("core.mac", "count=32768")
	PC_FIELD_U8("core.permanent_mac", "count=6")
	PC_FIELD_U32("core.delayed_causes", "")
	PC_FIELD_U16("subsys", "")
	PC_FIELD_U16("subsys_ven", "")
	PC_FIELD_STRUCT("core.rdtr", "e1000e-intr-timer", "")
	PC_FIELD_STRUCT("core.radv", "e1000e-intr-timer", "")
	PC_FIELD_STRUCT("core.raid", "e1000e-intr-timer", "")
	PC_FIELD_STRUCT("core.tadv", "e1000e-intr-timer", "")
	PC_FIELD_STRUCT("core.tidv", "e1000e-intr-timer", "")
	PC_FIELD_STRUCT("core.itr", "e1000e-intr-timer", "")
	PC_FIELD_UNUSED("itr_intr_pending", "size=1")
	PC_FIELD_STRUCT("core.eitr", "e1000e-intr-timer", "count=5")
	PC_FIELD_UNUSED("eitr_intr_pending", "size=5")
	PC_FIELD_U32("core.itr_guest_value", "")
	PC_FIELD_U32("core.eitr_guest_value", "count=5")
	PC_FIELD_U16("core.vet", "")
	PC_FIELD_STRUCT("core.tx", "e1000e-tx", "count=2")
	PC_FIELD_I64("core.timadj", "if=migrate-timadj since=8.0")
	PC_END

	/* hw/net/e1000e.c: e1000e_properties */
	PC_TYPE("e1000e", "parent=pci-device interfaces=pci-express-device section=e1000e"
		" doc=\"Intel 82574L GbE NIC\"")
	PC_ATTR("class-romfile", "efi-e1000e.rom") /* e1000e_class_init() */
	PC_ATTR("msix-vectors", "5") /* E1000E_MSIX_VEC_NUM */
	PC_ATTR("express", "1")
	PC_PROP_STRING("mac", "doc=\"MAC address (empty: generated)\"")
	PC_PROP_U8("disable_vnet_hdr", "default=0")
	PC_PROP_U16("subsys_ven", "default=0x8086 guest-visible")
	PC_PROP_U16("subsys", "default=0 guest-visible")
	PC_PROP_BOOL("init-vet", "default=on guest-visible since=6.1 absent=off"
		" doc=\"VET register reset value 0x8100 (hw_compat_6_0 off)\"")
	PC_PROP_BOOL("migrate-timadj", "default=on since=8.0 absent=off"
		" doc=\"migrate core.timadj (hw_compat_7_2 off)\"")
	PC_HOOK("post_load", "e1000e_post_load")
	/* e1000e_pci_realize(): pcie_aer_init(pci_dev, PCI_ERR_VER,
	 * e1000e_aer_offset = 0x100, PCI_ERR_SIZEOF) */
	PC_PCIE_AER("parent_obj.config", "0x100")
	PC_END
);
