// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pvpanic-pci - the PCI pvpanic device (hw/misc/pvpanic-pci.c, QEMU 6.0):
 * a direct pci-device subtype, not a subtype of the ISA `pvpanic`, so the
 * hw_compat_5_1 `pvpanic events 1` entry does not reach it and its events
 * default (3) has no history.
 *
 * The device first shipped in 6.0; the declaration language has no
 * type-level "since", and its section carries no since= either, so that
 * the default VM configuration (one instance of every concrete type) stays
 * checkable against reconstructed 5.x releases.  Remove this directory to
 * check a configuration without it.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("pvpanic-pci", "11.0")
	PC_DESCRIPTION("PCI pvpanic device (pvpanic-pci)")
	PC_LICENSE("GPL-2.0-or-later")

	/* vmstate_pvpanic_pci */
	PC_VMSD("pvpanic-pci", "version=1 min=1")
	PC_FIELD_STRUCT("dev", "PCIDevice", "")
	PC_END

	/* hw/misc/pvpanic-pci.c: pvpanic_pci_properties */
	PC_TYPE("pvpanic-pci", "parent=pci-device interfaces=conventional-pci-device section=pvpanic-pci since=6.0"
		" doc=\"PCI pvpanic device (1b36:0011), BAR0 holds the event register\"")
	PC_PROP_U8("events", "default=3 guest-visible"
		" doc=\"PVPANIC_PANICKED | PVPANIC_CRASHLOADED; not reached by the pvpanic compat entries\"")
	PC_END
);
