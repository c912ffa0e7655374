; Inno Setup 6 definition of the Windows installer: a per-user install (no administrator rights,
; as managed laptops need), a Start-menu entry, and an uninstaller that leaves the user's vault
; alone (it lives in %LOCALAPPDATA%\lscp-audit, which the app creates, not the installer).
;
; Build (after packaging/build-bundle.sh and signing the executables, see packaging/README.md):
;   iscc /DAppVersion=0.1.0 /DBundleDir=..\..\build\package\dist\lscp-audit-0.1.0 packaging\windows\lscp-audit.iss
; The installer is written to dist\lscp-audit-<version>-setup.exe.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z ...
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\package\dist\lscp-audit-" + AppVersion
#endif

[Setup]
AppId={{6E0F3C47-1B0E-4C55-9B43-2F1F5A9D6C21}
AppName=LSCP Audit
AppVersion={#AppVersion}
AppVerName=LSCP Audit {#AppVersion}
AppPublisher=LSCP Audit developers
VersionInfoVersion={#AppVersion}
VersionInfoProductName=LSCP Audit
VersionInfoDescription=LSCP Audit installer
VersionInfoCopyright=GPL-3.0-or-later
DefaultDirName={autopf}\LSCP Audit
DefaultGroupName=LSCP Audit
DisableProgramGroupPage=yes
; Per-user by default; an IT team can still run it with /ALLUSERS from an elevated deployment.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\..\LICENSE
SetupIconFile=..\icons\lscp-audit.ico
UninstallDisplayIcon={app}\lscp-audit.exe
OutputDir=..\..\dist
OutputBaseFilename=lscp-audit-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\LSCP Audit"; Filename: "{app}\lscp-audit.exe"; Comment: "Multi-agency case audits and Section 11 self-assessments"
Name: "{group}\Uninstall LSCP Audit"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\lscp-audit.exe"; Description: "Open LSCP Audit"; Flags: nowait postinstall skipifsilent
