// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-nic - a vendor PCI Express NIC.  It embeds the shared PCIEDevice
 * description (the pci plugin's) and adds its own MSI-X capability to
 * that config space from its type, without a copy of the description:
 * msix_init() puts it at the first free space (0x40).
 */
#include <plugcheck/pci.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-nic", "1.0")
	PC_DESCRIPTION("vendor PCI Express NIC with MSI-X")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("fx-nic", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIEDevice", "")
	PC_FIELD_BUFFER("msix_table", "size=16 count=vectors")
	PC_FIELD_BUFFER("msix_pba", "size=1 count=\"(vectors + 7) / 8\"")
	PC_FIELD_U32("rx_head", "")
	PC_END

	PC_TYPE("fx-nic", "parent=pci-device interfaces=pci-express-device section=fx-nic")
	PC_PROP_U16("vectors", "default=4 guest-visible")
	PC_PCI_MSIX("parent_obj.config", "vectors", "0x2000", "0x3000", "msix_table", "")
	PC_END
);
