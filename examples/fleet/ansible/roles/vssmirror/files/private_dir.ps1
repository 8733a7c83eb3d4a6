# Creates a folder with vssmirror's protected DACL, or sets that DACL on an
# existing folder that lacks it: SYSTEM and Administrators full control,
# inherited by files and subfolders, nothing inherited from the parent.
# The same SDDL as runner/state's privateSDDL, so `vssmirror run`'s
# folders-private preflight accepts the folder.
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)][string]$Path
)
$ErrorActionPreference = 'Stop'
$Ansible.Changed = $false
$sddl = 'D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)'
$want = New-Object System.Security.AccessControl.DirectorySecurity
$want.SetSecurityDescriptorSddlForm($sddl, [System.Security.AccessControl.AccessControlSections]::Access)

function Test-Private([System.Security.AccessControl.DirectorySecurity]$Acl) {
    if (-not $Acl.AreAccessRulesProtected) { return $false }
    $rules = @($Acl.GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]))
    if ($rules.Count -ne 2) { return $false }
    foreach ($r in $rules) {
        if ($r.IsInherited -or $r.AccessControlType -ne 'Allow' -or
            $r.FileSystemRights -ne [System.Security.AccessControl.FileSystemRights]::FullControl -or
            $r.InheritanceFlags -ne ([System.Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit') -or
            $r.PropagationFlags -ne [System.Security.AccessControl.PropagationFlags]::None) { return $false }
    }
    $sids = @($rules | ForEach-Object { $_.IdentityReference.Value } | Sort-Object)
    return (($sids -join ',') -eq 'S-1-5-18,S-1-5-32-544')
}

if (-not (Test-Path -LiteralPath $Path)) {
    $Ansible.Changed = $true
    if ($PSCmdlet.ShouldProcess($Path, 'create with the protected ACL')) {
        # Created with the ACL already in place, as vssmirror does itself:
        # the folder never carries its parent's inherited entries.
        [System.IO.Directory]::CreateDirectory($Path, $want) | Out-Null
    }
}
elseif (-not (Test-Private (Get-Acl -LiteralPath $Path))) {
    $Ansible.Changed = $true
    if ($PSCmdlet.ShouldProcess($Path, 'set the protected ACL')) {
        Set-Acl -LiteralPath $Path -AclObject $want
    }
}
