// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-net - virtio network device: the backend `virtio-net-device`
 * (hw/net/virtio-net.c, internal) and the PCI proxy `virtio-net-pci`
 * (hw/virtio/virtio-net-pci.c, composite) under its abstract base
 * `virtio-net-pci-base`.
 *
 * Modelled configuration: one queue pair (the netdev's queues=1), so
 * max_queue_pairs_gt_1 is false and the virtqueues are rx, tx and, with
 * ctrl_vq, the control queue.  The proxy's MSI-X vectors default
 * (DEV_NVECTORS_UNSPECIFIED) resolves to 2 * queue pairs + 2 = 4 since 6.0;
 * it was 3 before (hw_compat_5_2 { virtio-net-pci-base, vectors, 3 }).
 *
 * USO (8.2): host_uso, guest_uso4, guest_uso6 are feature bits the guest
 * negotiates.  Their compat entries first went to hw_compat_8_0 (8.2.0 -
 * 8.2.4, 9.0.0 enabled USO on pc-*-8.1) and were moved to hw_compat_8_1 in
 * 8.2.5 / 9.0.1 / 9.1; the declarations below give the corrected history.
 */
#include <plugcheck/plugin.h>

#define VNET_NVEC "(vectors == 4294967295 ? 4 : vectors)"

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("virtio-net", "11.0")
	PC_DESCRIPTION("virtio network device: virtio-net-pci proxy with its virtio-net-device backend")
	PC_LICENSE("GPL-2.0-or-later")

	/* vmstate_virtio_net_queue_tx_waiting */
	PC_VMSD("virtio-net-queue-tx_waiting", "version=1 min=1")
	PC_FIELD_U32("tx_waiting", "")
	PC_END

	/* vmstate_virtio_net_rss (5.1): sent while RSS / hash reporting is
	 * enabled, which needs the rss or hash feature (both off by default) */
	PC_VMSD("virtio-net-device/rss", "version=1 min=1 since=5.1")
	PC_FIELD_BOOL("enabled", "")
	PC_FIELD_BOOL("redirect", "")
	PC_FIELD_BOOL("populate_hash", "")
	PC_FIELD_U32("hash_types", "")
	PC_FIELD_U16("indirections_len", "")
	PC_FIELD_U16("default_queue", "")
	PC_FIELD_BUFFER("key", "size=40")
	PC_FIELD_U16("indirections_table", "count-field=indirections_len max=128")
	PC_END

	/* vmstate_virtio_net_device: the backend's own state */
	PC_VMSD("virtio-net-device", "version=11 min=11")
	PC_FIELD_BUFFER("mac", "size=6")
	PC_FIELD_STRUCT("vqs", "virtio-net-queue-tx_waiting", "")
	PC_FIELD_U32("mergeable_rx_bufs", "")
	PC_FIELD_U16("status", "")
	PC_FIELD_U8("promisc", "")
	PC_FIELD_U8("allmulti", "")
	PC_FIELD_U32("mac_table_in_use", "")
	/* VMSTATE_VBUFFER_MULTIPLY: in_use * ETH_ALEN bytes; entries beyond
	 * MAC_TABLE_ENTRIES are skipped by the loader, not refused */
	PC_FIELD_BUFFER("mac_table_macs", "size=6 count-field=mac_table_in_use max=1048576")
	PC_FIELD_BUFFER("vlans", "size=512")
	PC_FIELD_U32("has_vnet_hdr", "")
	PC_FIELD_U8("multi_overflow", "")
	PC_FIELD_U8("uni_overflow", "")
	PC_FIELD_U8("alluni", "")
	PC_FIELD_U8("nomulti", "")
	PC_FIELD_U8("nouni", "")
	PC_FIELD_U8("nobcast", "")
	PC_FIELD_U8("has_ufo", "")
	PC_FIELD_U64("curr_guest_offloads", "if=ctrl_guest_offloads")
	/* virtio_net_rss_needed(): rss_data.enabled, which the guest sets
	 * (VIRTIO_NET_CTRL_MQ_RSS_CONFIG / HASH_CONFIG) only when the rss or
	 * hash feature was offered: the properties enable it, the guest
	 * turns it on */
	PC_SUBSECTION("virtio-net-device/rss", "needed=\"rss || hash\" runtime since=5.1")
	PC_END

	/* vmstate_virtio_net: VMSTATE_VIRTIO_DEVICE, VIRTIO_NET_VM_VERSION 11 */
	PC_VMSD("virtio-net", "version=11 min=11")
	PC_FIELD_STRUCT("pci_dev", "PCIDevice", "")
	PC_FIELD_BUFFER("msix_table", "size=16 count=\"" VNET_NVEC "\" if=\"vectors != 0\"")
	PC_FIELD_BUFFER("msix_pba", "size=1 count=\"(" VNET_NVEC " + 7) / 8\" if=\"vectors != 0\"")
	PC_FIELD_U16("config_vector", "if=\"vectors != 0\"")
	PC_FIELD_STRUCT("vdev", "VirtIODevice", "")
	PC_FIELD_U32("num_vqs", "")
	PC_FIELD_STRUCT("vq", "VirtQueue", "count=\"2 + ctrl_vq\"")
	PC_FIELD_STRUCT("net", "virtio-net-device", "")
	PC_FIELD_STRUCT("virtio", "virtio", "")
	PC_END

	/* hw/net/virtio-net.c: virtio_net_properties; bits of host_features
	 * (VIRTIO_NET_F_*), the UDP tunnel bits (>= 64) of host_features_ex.
	 * What the device offers is what virtio_net_get_features() leaves:
	 * it drops GUEST_ANNOUNCE without CTRL_VQ (requires=ctrl_vq), and the
	 * USO and UDP tunnel features on a tap backend without them
	 * (peer_has_uso(), peer_has_tunnel(): host=tap-uso, host=tap-udp-tunnel).
	 * The virtio spec's other requirements (CTRL_RX needs CTRL_VQ, ...)
	 * bind the driver, not the offer: QEMU offers those bits regardless,
	 * so they are not declared. */
	PC_TYPE("virtio-net-device", "parent=virtio-device internal doc=\"virtio-net backend (only inside virtio-net-pci)\"")
	PC_PROP_FEATURE("csum", "container=host_features bit=0 default=on")
	PC_PROP_FEATURE("guest_csum", "container=host_features bit=1 default=on")
	PC_PROP_FEATURE("ctrl_guest_offloads", "container=host_features bit=2 default=on")
	PC_PROP_FEATURE("guest_tso4", "container=host_features bit=7 default=on")
	PC_PROP_FEATURE("guest_tso6", "container=host_features bit=8 default=on")
	PC_PROP_FEATURE("guest_ecn", "container=host_features bit=9 default=on")
	PC_PROP_FEATURE("guest_ufo", "container=host_features bit=10 default=on")
	PC_PROP_FEATURE("host_tso4", "container=host_features bit=11 default=on")
	PC_PROP_FEATURE("host_tso6", "container=host_features bit=12 default=on")
	PC_PROP_FEATURE("host_ecn", "container=host_features bit=13 default=on")
	PC_PROP_FEATURE("host_ufo", "container=host_features bit=14 default=on")
	PC_PROP_FEATURE("mrg_rxbuf", "container=host_features bit=15 default=on")
	PC_PROP_FEATURE("status", "container=host_features bit=16 default=on")
	PC_PROP_FEATURE("ctrl_vq", "container=host_features bit=17 default=on")
	PC_PROP_FEATURE("ctrl_rx", "container=host_features bit=18 default=on")
	PC_PROP_FEATURE("ctrl_vlan", "container=host_features bit=19 default=on")
	PC_PROP_FEATURE("ctrl_rx_extra", "container=host_features bit=20 default=on")
	PC_PROP_FEATURE("guest_announce", "container=host_features bit=21 default=on requires=ctrl_vq")
	PC_PROP_FEATURE("mq", "container=host_features bit=22 default=off")
	PC_PROP_FEATURE("ctrl_mac_addr", "container=host_features bit=23 default=on")
	PC_PROP_FEATURE("guest_uso4", "container=host_features bit=54 default=on host=tap-uso since=8.2 absent=off"
		" doc=\"VIRTIO_NET_F_GUEST_USO4 (hw_compat_8_1 off; in hw_compat_8_0 until 8.2.5/9.0.1)\"")
	PC_PROP_FEATURE("guest_uso6", "container=host_features bit=55 default=on host=tap-uso since=8.2 absent=off"
		" doc=\"VIRTIO_NET_F_GUEST_USO6 (hw_compat_8_1 off; in hw_compat_8_0 until 8.2.5/9.0.1)\"")
	PC_PROP_FEATURE("host_uso", "container=host_features bit=56 default=on host=tap-uso since=8.2 absent=off"
		" doc=\"VIRTIO_NET_F_HOST_USO (hw_compat_8_1 off; in hw_compat_8_0 until 8.2.5/9.0.1)\"")
	PC_PROP_FEATURE("hash", "container=host_features bit=57 default=off")
	PC_PROP_FEATURE("rss", "container=host_features bit=60 default=off")
	PC_PROP_FEATURE("guest_tunnel", "container=host_features_ex bit=65 default=on host=tap-udp-tunnel since=10.2 absent=off"
		" doc=\"VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO (hw_compat_10_1 off)\"")
	PC_PROP_FEATURE("guest_tunnel_csum", "container=host_features_ex bit=66 default=on host=tap-udp-tunnel since=10.2 absent=off"
		" doc=\"VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM (hw_compat_10_1 off)\"")
	PC_PROP_FEATURE("host_tunnel", "container=host_features_ex bit=67 default=on host=tap-udp-tunnel since=10.2 absent=off"
		" doc=\"VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO (hw_compat_10_1 off)\"")
	PC_PROP_FEATURE("host_tunnel_csum", "container=host_features_ex bit=68 default=on host=tap-udp-tunnel since=10.2 absent=off"
		" doc=\"VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM (hw_compat_10_1 off)\"")
	PC_PROP_BOOL("x-mtu-bypass-backend", "default=on since=2.10 absent=off"
		" doc=\"offer VIRTIO_NET_F_MTU without asking the backend (hw_compat_2_9 off)\"")
	PC_PROP_U16("host_mtu", "default=0 guest-visible")
	PC_PROP_U16("rx_queue_size", "default=256 guest-visible")
	PC_PROP_U16("tx_queue_size", "default=256 guest-visible")
	PC_PROP_STRING("mac", "doc=\"MAC address (empty: generated)\"")
	PC_END

	/* hw/virtio/virtio-net-pci.c */
	PC_TYPE("virtio-net-pci-base", "parent=virtio-pci abstract section=virtio-net")
	PC_ATTR("class-romfile", "efi-virtio.rom") /* virtio_net_pci_class_init() */
	PC_PROP_U32("vectors", "default=4294967295 was=6.0:3 guest-visible realized=\"" VNET_NVEC "\""
		" doc=\"MSI-X vectors; DEV_NVECTORS_UNSPECIFIED (-1) = 2 * queue pairs + 2 since 6.0, 3 before (hw_compat_5_2)\"")
	PC_END
	PC_TYPE("virtio-net-pci", "parent=virtio-net-pci-base interfaces=pci-express-device,conventional-pci-device"
		" doc=\"virtio-net PCI proxy (composite: vdev = virtio-net-device)\"")
	PC_CHILD("vdev", "virtio-net-device", "alias-props")
	/* multiqueue with receive-side scaling and hash reporting, as guests
	 * that spread their traffic over several vCPUs run it */
	PC_CONFIG("rss-multiqueue", "mq=on,rss=on,hash=on")
	PC_END
);
