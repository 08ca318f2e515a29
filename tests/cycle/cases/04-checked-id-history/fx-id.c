// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-id - a vendor PCI device.  Its vendor and device ID are read-only
 * and checked on load (QEMU's pci_init_cmask() checks them on every
 * device): a destination whose ID differs refuses the stream.
 */
#include <plugcheck/pci.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-id", "1.0")
	PC_DESCRIPTION("vendor PCI device with checked IDs")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("fx-id", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_U32("status", "")
	PC_END

	PC_TYPE("fx-id", "parent=pci-device section=fx-id")
	PC_PROP_U32("lanes", "default=4")
	PC_REGISTER("vendor-device-id", "field=parent_obj.config offset="
		PC_PCI_VENDOR_ID " size=4 value=0x00011af4")
	PC_END
);
