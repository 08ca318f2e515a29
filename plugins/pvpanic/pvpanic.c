// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pvpanic - the ISA pvpanic device (TYPE_PVPANIC_ISA_DEVICE = "pvpanic",
 * hw/misc/pvpanic-isa.c).  The guest reads the supported event mask from
 * the I/O port: 5.2 (commit "pvpanic: Advertise the PVPANIC_CRASHLOADED
 * event support") created the `events` property with PVPANIC_PANICKED |
 * PVPANIC_CRASHLOADED (3) and hw_compat_5_1 { pvpanic, events, 1 }; before
 * it the port always read PVPANIC_PANICKED (1).
 *
 * The PCI variant `pvpanic-pci` is a separate pci-device subtype (plugin
 * pvpanic-pci): the `pvpanic events` compat entries do not reach it.
 *
 * QEMU registers no VMStateDescription for the ISA device (pvpanic-isa.c
 * sets no dc->vmsd: a real QEMU's -dump-vmstate has no section for it),
 * so it has no section here either.  The migration break that matters is
 * the guest-visible `events` property itself.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("pvpanic", "11.0")
	PC_DESCRIPTION("ISA pvpanic device (pvpanic)")
	PC_LICENSE("GPL-2.0-or-later")

	/* hw/misc/pvpanic-isa.c: pvpanic_isa_properties */
	PC_TYPE("pvpanic", "parent=isa-device interfaces=acpi-dev-aml-interface"
		" doc=\"ISA pvpanic device\"")
	PC_PROP_U16("ioport", "default=0x505 guest-visible")
	PC_PROP_U8("events", "default=3 guest-visible since=5.2 absent=1"
		" doc=\"event mask read by the guest: PVPANIC_PANICKED (1) | PVPANIC_CRASHLOADED (2); created in 5.2 with hw_compat_5_1 1, the port read 1 before\"")
	PC_END
);
