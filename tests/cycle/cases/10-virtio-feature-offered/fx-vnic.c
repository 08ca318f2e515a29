// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-vnic - a vendor virtio device: the PCI proxy fx-vnic-pci with its
 * backend fx-vnic-device.  The backend's feature bits are what the
 * device offers the guest (host_features); the guest negotiates a subset
 * and the destination's virtio_load() accepts it only if it offers every
 * negotiated bit.
 */
#include <plugcheck/plugin.h>

#define FXV_NVEC "(vectors == 4294967295 ? 3 : vectors)"

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-vnic", "1.0")
	PC_DESCRIPTION("vendor virtio device: fx-vnic-pci proxy with its fx-vnic-device backend")
	PC_LICENSE("GPL-2.0-or-later")

	/* VMSTATE_VIRTIO_DEVICE: transport, VirtIODevice, queues, backend */
	PC_VMSD("fx-vnic", "version=1 min=1")
	PC_FIELD_STRUCT("pci_dev", "PCIDevice", "")
	PC_FIELD_BUFFER("msix_table", "size=16 count=\"" FXV_NVEC "\" if=\"vectors != 0\"")
	PC_FIELD_BUFFER("msix_pba", "size=1 count=\"(" FXV_NVEC " + 7) / 8\" if=\"vectors != 0\"")
	PC_FIELD_U16("config_vector", "if=\"vectors != 0\"")
	PC_FIELD_STRUCT("vdev", "VirtIODevice", "")
	PC_FIELD_U32("num_vqs", "")
	PC_FIELD_STRUCT("vq", "VirtQueue", "count=\"1 + ctrl_vq\"")
	PC_FIELD_U32("rx_mode", "")
	PC_FIELD_STRUCT("virtio", "virtio", "")
	PC_END

	/* the backend's feature bits */
	PC_TYPE("fx-vnic-device", "parent=virtio-device internal")
	PC_PROP_FEATURE("csum", "container=host_features bit=0 default=on")
	PC_PROP_FEATURE("ctrl_vq", "container=host_features bit=17 default=on")
	/* the control-queue commands need the control queue */
	PC_PROP_FEATURE("ctrl_rx", "container=host_features bit=18 default=on requires=ctrl_vq")
	PC_END

	PC_TYPE("fx-vnic-pci", "parent=virtio-pci section=fx-vnic")
	PC_CHILD("vdev", "fx-vnic-device", "alias-props")
	PC_PROP_U32("vectors", "default=4294967295 guest-visible")
	PC_END
);
