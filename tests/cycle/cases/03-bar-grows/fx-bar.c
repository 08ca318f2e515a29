// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-bar - a vendor PCI device with one 4 KiB memory BAR.  The guest (the
 * firmware) programs the BAR's address; the size is the device's: QEMU's
 * pci_register_bar() makes the address bits above the size guest-writable
 * (wmask = ~(size - 1)) and checks the whole register on load.
 */
#include <plugcheck/pci.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-bar", "1.0")
	PC_DESCRIPTION("vendor PCI device with a memory BAR")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("fx-bar", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_U32("doorbell", "")
	PC_END

	PC_TYPE("fx-bar", "parent=pci-device section=fx-bar")
	PC_PROP_U32("queues", "default=1")
	PC_REGISTER("bar0", "field=parent_obj.config offset=" PC_PCI_BASE_ADDRESS_0
		" size=4 value=0 wmask=\"~(0x1000 - 1)\"")
	PC_END
);
