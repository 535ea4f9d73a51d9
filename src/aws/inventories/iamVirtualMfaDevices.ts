import { IAMClient, paginateListVirtualMFADevices, type VirtualMFADevice } from '@aws-sdk/client-iam';
import { defineInventory } from '../inventory';

export const VIRTUAL_MFA_DEVICE_ACTIONS = ['iam:ListVirtualMFADevices'] as const;

export interface VirtualMfaDevice {
  serialNumber: string;
  /** The ARN of the user (or `arn:…:root`) the device is assigned to, if any. */
  userArn?: string;
  enableDate?: Date;
}

const toDevice = (d: VirtualMFADevice): VirtualMfaDevice => ({ serialNumber: d.SerialNumber ?? '?', userArn: d.User?.Arn, enableDate: d.EnableDate });

/** Every virtual MFA device of the account; the root user's shows a user ARN ending in `:root`. */
export const iamVirtualMfaDevices = defineInventory<VirtualMfaDevice[]>('iam.virtualMfaDevices', 'global', async (ctx, region) => {
  const devices: VirtualMfaDevice[] = [];
  for await (const page of paginateListVirtualMFADevices({ client: ctx.aws.client(IAMClient, region) }, { AssignmentStatus: 'Assigned' })) {
    devices.push(...(page.VirtualMFADevices ?? []).map(toDevice));
  }
  return devices;
});
