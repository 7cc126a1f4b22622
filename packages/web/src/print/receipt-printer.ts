import { encodeReceiptEscPos, type Receipt } from '@mostrador/terminal';

// Printing a receipt: straight to an ESC/POS printer through Web Serial or WebUSB where the
// browser offers them and the store paired a printer, else the browser's own print dialog with a
// print style sheet that shows only the receipt. The interfaces below are the small part of Web
// Serial and WebUSB used here (TypeScript's DOM library does not describe them yet).

interface SerialPortLike {
  readonly writable: WritableStream<Uint8Array> | null;
  open(options: { baudRate: number }): Promise<void>;
  close(): Promise<void>;
}
interface SerialLike {
  getPorts(): Promise<SerialPortLike[]>;
  requestPort(): Promise<SerialPortLike>;
}
interface UsbEndpointLike {
  readonly direction: 'in' | 'out';
  readonly type: string;
  readonly endpointNumber: number;
}
interface UsbDeviceLike {
  readonly configuration: {
    readonly interfaces: readonly {
      readonly interfaceNumber: number;
      readonly alternate: { readonly interfaceClass: number; readonly endpoints: readonly UsbEndpointLike[] };
    }[];
  } | null;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(value: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  transferOut(endpointNumber: number, data: Uint8Array): Promise<unknown>;
}
interface UsbLike {
  getDevices(): Promise<UsbDeviceLike[]>;
  requestDevice(options: { filters: { classCode: number }[] }): Promise<UsbDeviceLike>;
}

const SERIAL_BAUD_RATE = 9_600;
/** USB class 7: printers. */
const USB_PRINTER_CLASS = 7;
/** 80 mm paper, font A. */
const RECEIPT_COLUMNS = 48;

export type PrinterKind = 'serial' | 'usb' | 'browser';

function serialApi(): SerialLike | undefined {
  return (navigator as unknown as { serial?: SerialLike }).serial;
}
function usbApi(): UsbLike | undefined {
  return (navigator as unknown as { usb?: UsbLike }).usb;
}

/** Which direct connections this browser offers, to show the pairing buttons only where they work. */
export function directPrintingAvailable(): { readonly serial: boolean; readonly usb: boolean } {
  return { serial: serialApi() !== undefined, usb: usbApi() !== undefined };
}

/** Asks the user to pick the receipt printer once; the browser remembers the permission. */
export async function pairPrinter(kind: 'serial' | 'usb'): Promise<boolean> {
  try {
    if (kind === 'serial') await serialApi()?.requestPort();
    else await usbApi()?.requestDevice({ filters: [{ classCode: USB_PRINTER_CLASS }] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Prints on a paired ESC/POS printer when there is one, else opens the browser's print dialog.
 * Answers how it printed.
 */
export async function printReceipt(receipt: Receipt): Promise<PrinterKind> {
  const bytes = () => encodeReceiptEscPos(receipt, { widthColumns: RECEIPT_COLUMNS });
  const [port] = (await serialApi()?.getPorts()) ?? [];
  if (port !== undefined && (await writeSerial(port, bytes()))) return 'serial';
  const [device] = (await usbApi()?.getDevices()) ?? [];
  if (device !== undefined && (await writeUsb(device, bytes()))) return 'usb';
  window.print();
  return 'browser';
}

async function writeSerial(port: SerialPortLike, data: Uint8Array): Promise<boolean> {
  try {
    await port.open({ baudRate: SERIAL_BAUD_RATE });
    const writer = port.writable?.getWriter();
    if (writer === undefined) return false;
    await writer.write(data);
    writer.releaseLock();
    await port.close();
    return true;
  } catch {
    return false;
  }
}

async function writeUsb(device: UsbDeviceLike, data: Uint8Array): Promise<boolean> {
  try {
    await device.open();
    if (device.configuration === null) await device.selectConfiguration(1);
    const printer = device.configuration?.interfaces.find(
      (candidate) => candidate.alternate.interfaceClass === USB_PRINTER_CLASS,
    );
    const endpoint = printer?.alternate.endpoints.find(
      (candidate) => candidate.direction === 'out' && candidate.type === 'bulk',
    );
    if (printer === undefined || endpoint === undefined) return false;
    await device.claimInterface(printer.interfaceNumber);
    await device.transferOut(endpoint.endpointNumber, data);
    await device.close();
    return true;
  } catch {
    return false;
  }
}
