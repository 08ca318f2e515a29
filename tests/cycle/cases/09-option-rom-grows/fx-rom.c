// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-rom - a vendor PCI NIC with a boot option ROM.  QEMU maps the ROM
 * file into a fixed-size RAM block ("0000:00:05.0/fx-rom.rom"), rounded
 * up to a power of two unless the romsize property pins it
 * (hw/pci/pci.c pci_add_option_rom()); the block is migrated by name and
 * length, and a destination whose block has another length refuses the
 * stream.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-rom", "1.0")
	PC_DESCRIPTION("vendor PCI NIC with a boot option ROM")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("fx-rom", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_U32("ctrl", "")
	PC_END

	PC_TYPE("fx-rom", "parent=pci-device section=fx-rom")
	PC_PROP_U32("romsize", "default=0x40000 doc=\"the option ROM BAR: the iPXE image rounded up to a power of two\"")
	PC_PROP_BOOL("rombar", "default=on")
	PC_RAMBLOCK("fx-rom.rom", "size=romsize if=rombar")
	PC_END
);
