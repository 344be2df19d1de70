import type { ConfigEntry } from './decoding.js';
import { Level, TypeId } from './enums.js';
import type { Dgram } from './dgram-reader.js';
import { XTC_HEADER_BYTES, typeIdOf, typeVersionOf, walkXtc } from './header.js';
import { decodeAliasConfig } from './payloads/alias.js';
import { detInfoString } from './src.js';

/**
 * Configuration objects per source, remembered from Configure and BeginCalibCycle datagrams (a later
 * object of the same TypeId replaces the earlier one), plus the user aliases from AliasConfig.
 */
export class ConfigStore {
  /** `phy` → TypeId id → entry. */
  private readonly bySource = new Map<number, Map<number, ConfigEntry>>();
  /** Alias name → psana source string. */
  readonly aliases = new Map<string, string>();

  /** Remember the configuration leaves of a Configure/BeginCalibCycle datagram (payloads are copied). */
  update(d: Dgram, file?: string): void {
    walkXtc(d.view, 20, { file, base: d.offset }, (n) => {
      const id = typeIdOf(n.contains);
      if (id === TypeId.Xtc || n.damage !== 0) return;
      const payload = d.bytes.subarray(n.offset + XTC_HEADER_BYTES, n.offset + n.extent);
      if (id === TypeId.AliasConfig) {
        for (const a of decodeAliasConfig(payload, file, d.offset + n.offset)) {
          if (a.src.log >>> 24 === Level.Source) this.aliases.set(a.alias, detInfoString(a.src.phy));
        }
        return;
      }
      if (n.log >>> 24 !== Level.Source) return;
      let m = this.bySource.get(n.phy);
      if (!m) this.bySource.set(n.phy, (m = new Map()));
      m.set(id, { typeId: id, version: typeVersionOf(n.contains), bytes: payload.slice(), file, offset: d.offset + n.offset + XTC_HEADER_BYTES });
    });
  }

  /** The configuration of TypeId `typeId` for DetInfo `phy`. */
  get(phy: number, typeId: number): ConfigEntry | undefined {
    return this.bySource.get(phy)?.get(typeId);
  }

  /** Every configured DetInfo `phy`. */
  sources(): number[] {
    return [...this.bySource.keys()];
  }
}
